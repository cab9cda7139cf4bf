using System.IO.Compression;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>The stored form of a shard (<see cref="BacktestPartial.ToBytes"/>) between workers.</summary>
public class StoredShardTests
{
    // Limit orders (passive columns written), a participation cap left to hold (unfilled and opportunity columns written)
    // and market-order schedules beside them (their passive columns all zero).
    private static Scenario Mixed(int episodes) => ScenarioPresets.Demo() with
    {
        Episodes = episodes,
        Strategies = ["twap", "pov", "twap-passive", "pegged"],
    };

    [Fact]
    public void Every_column_keeps_its_bits_through_the_stored_form()
    {
        var scenario = Mixed(1100);
        var plan = BacktestPlan.Create(scenario);
        var part = BacktestRunner.RunEpisodes(plan, 512, 588);
        var back = BacktestPartial.FromBytes(part.ToBytes());
        Assert.Equal((part.First, part.Count, part.Strategies, part.Steps, part.KeepEpisodes), (back.First, back.Count, back.Strategies, back.Steps, back.KeepEpisodes));
        Assert.Contains(part.Passive, column => column.Any(x => x.Posted != 0));
        Assert.Contains(part.Passive, column => column.All(x => x == default));
        for (int s = 0; s < part.Strategies; s++)
        {
            Assert.Equal(Bits(part.CostBps[s]), Bits(back.CostBps[s]));
            Assert.Equal(Bits(part.CostCurrency[s]), Bits(back.CostCurrency[s]));
            Assert.Equal(Bits(part.Forced[s]), Bits(back.Forced[s]));
            Assert.Equal(Bits(part.Unfilled[s]), Bits(back.Unfilled[s]));
            Assert.Equal(part.Breaches[s], back.Breaches[s]);
            Assert.Equal(Bits(part.MaxParticipation[s]), Bits(back.MaxParticipation[s]));
            Assert.Equal(Bits(part.OpportunityBps[s]), Bits(back.OpportunityBps[s]));
            Assert.Equal(part.Passive[s], back.Passive[s]);
            Assert.Equal(part.EpisodeResults[s], back.EpisodeResults[s]);
        }
    }

    [Fact]
    public void A_negative_zero_is_not_taken_for_an_all_zero_column()
    {
        var scenario = Mixed(600);
        var plan = BacktestPlan.Create(scenario);
        var part = BacktestRunner.RunEpisodes(plan, 0, 600);
        int s = Array.FindIndex(part.Unfilled, column => column.All(x => BitConverter.DoubleToInt64Bits(x) == 0));
        Assert.True(s >= 0);
        part.Unfilled[s][17] = -0.0;
        var back = BacktestPartial.FromBytes(part.ToBytes());
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(back.Unfilled[s][17]));
        Assert.Equal(0, BitConverter.DoubleToInt64Bits(back.Unfilled[s][16]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Shards_stored_in_the_first_form_still_merge_into_the_single_process_result(int firstFormShards)
    {
        // Shards stored by workers before the current form (one compressed stream, value by value) merge beside new ones.
        var scenario = Mixed(2600);
        var single = BacktestRunner.Run(scenario);
        var plan = BacktestPlan.Create(scenario);
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, 3)
            .Select((r, i) =>
            {
                var part = BacktestRunner.RunEpisodes(plan, r.First, r.Count);
                return BacktestPartial.FromBytes(i < firstFormShards ? FirstForm(part) : part.ToBytes());
            })
            .ToList();
        Assert.Equal(BacktestReport.ToJson(single, scenario), BacktestReport.ToJson(BacktestRunner.Merge(plan, parts), scenario));
    }

    [Fact]
    public void Shards_stored_without_their_episodes_merge_into_the_single_process_result_but_its_episodes()
    {
        // A worker stores a shard's episodes as the run's episode blocks and its partial result without them.
        var scenario = Mixed(2600);
        var single = BacktestRunner.Run(scenario);
        var plan = BacktestPlan.Create(scenario);
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, 3).Select(r => BacktestRunner.RunEpisodes(plan, r.First, r.Count)).ToList();
        for (int s = 0; s < plan.VisibleCount; s++)
        {
            Assert.Equal(single.Strategies[s].Episodes, parts.SelectMany(p => p.EpisodesOf(s)));
        }
        var stored = parts.Select(p => (With: p.ToBytes(), Without: p.ToBytes(withEpisodes: false))).ToList();
        Assert.All(stored, b => Assert.True(b.Without.Length < b.With.Length * 0.75, $"{b.Without.Length} bytes without episodes, {b.With.Length} with"));
        var back = stored.Select(b => BacktestPartial.FromBytes(b.Without)).ToList();
        Assert.All(back, p => Assert.False(p.KeepEpisodes));
        Assert.All(back, p => Assert.Empty(p.EpisodesOf(0)));

        var merged = BacktestRunner.Merge(plan, back);
        Assert.All(merged.Strategies, s => Assert.Empty(s.Episodes));
        var withoutEpisodes = single with { Strategies = [.. single.Strategies.Select(s => s with { Episodes = [] })] };
        Assert.Equal(BacktestReport.ToJson(withoutEpisodes, scenario), BacktestReport.ToJson(merged, scenario));
    }

    [Fact]
    public void A_stored_shard_cut_short_or_damaged_is_refused()
    {
        var plan = BacktestPlan.Create(Mixed(600));
        var bytes = BacktestRunner.RunEpisodes(plan, 0, 600).ToBytes();
        Assert.Throws<InvalidDataException>(() => BacktestPartial.FromBytes(bytes[..(bytes.Length / 2)]));
        var damaged = bytes.ToArray();
        damaged[4] ^= 0x10; // the stored length of the uncompressed body
        Assert.Throws<InvalidDataException>(() => BacktestPartial.FromBytes(damaged));
    }

    [Fact]
    public void The_stored_form_is_smaller_than_the_values_it_holds()
    {
        var plan = BacktestPlan.Create(Mixed(2048));
        var part = BacktestRunner.RunEpisodes(plan, 0, 2048);
        // Per strategy and episode: 7 columns, the passive record (6 doubles) and the 13 values of the episode's result.
        long values = (long)part.Strategies * part.Count * ((6 * 8 + 4) + 6 * 8 + (4 + 12 * 8));
        // All-zero columns take a byte; the rest is compressed (about 0.45 of the values here).
        Assert.True(part.ToBytes().Length < values * 3 / 5);
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];

    /// <summary>The first stored form (<c>BTP1</c>), as workers wrote it: one Brotli stream, every value in turn.</summary>
    private static byte[] FirstForm(BacktestPartial p)
    {
        using var buffer = new MemoryStream();
        using (var zip = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(0x31505442);
            w.Write(p.First);
            w.Write(p.Count);
            w.Write(p.Strategies);
            w.Write(p.Steps);
            w.Write(p.Bins);
            w.Write(p.Stride);
            w.Write(p.KeepEpisodes);
            for (int s = 0; s < p.Strategies; s++)
            {
                foreach (var v in p.CostBps[s]) w.Write(v);
                foreach (var v in p.CostCurrency[s]) w.Write(v);
                foreach (var v in p.Forced[s]) w.Write(v);
                foreach (var v in p.Unfilled[s]) w.Write(v);
                foreach (int b in p.Breaches[s]) w.Write(b);
                foreach (var v in p.MaxParticipation[s]) w.Write(v);
                foreach (var v in p.OpportunityBps[s]) w.Write(v);
                foreach (var x in p.Passive[s])
                {
                    w.Write(x.Posted);
                    w.Write(x.Filled);
                    w.Write(x.Crossed);
                    w.Write(x.SpreadCaptured);
                    w.Write(x.MarkoutCost);
                    w.Write(x.MarkoutQuantity);
                }
                foreach (var e in p.EpisodeResults[s])
                {
                    w.Write(e.Episode);
                    w.Write(e.ShortfallBps);
                    w.Write(e.ShortfallCurrency);
                    w.Write(e.ArrivalSlippageBps);
                    w.Write(e.VwapSlippageBps);
                    w.Write(e.SpreadAndFeesBps);
                    w.Write(e.TemporaryImpactBps);
                    w.Write(e.PermanentImpactBps);
                    w.Write(e.TimingBps);
                    w.Write(e.ForcedQuantity);
                    w.Write(e.MaxParticipation);
                    w.Write(e.UnfilledQuantity);
                    w.Write(e.OpportunityCostBps);
                }
            }

            p.Inventory.Write(w);
            p.Participation.Write(w);
            for (int s = 0; s < p.Strategies; s++)
            {
                w.Write(p.Firings[s].Count);
                foreach (var f in p.Firings[s])
                {
                    w.Write(f.Guard);
                    w.Write(f.StepsFired);
                    w.Write(f.EpisodesFired);
                    w.Write(f.Decisions);
                }
            }
        }

        return buffer.ToArray();
    }
}
