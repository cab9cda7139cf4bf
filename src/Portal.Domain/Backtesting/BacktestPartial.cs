using System.IO.Compression;
using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>
/// One shard of a run (<see cref="BacktestRunner.RunEpisodes"/>): every per-episode value of a contiguous range of
/// episodes, and the exact partial sums, extrema and histograms of remaining inventory and participation, so that
/// <see cref="BacktestRunner.Merge"/> of the shards is the single-process result bit for bit. Stored between workers in a
/// compressed binary form that keeps every double's bits (<see cref="ToBytes"/>, <see cref="FromBytes"/>).
/// </summary>
public sealed class BacktestPartial
{
    private const int Magic = 0x31505442; // "BTP1"

    private readonly List<Array> _rented = [];

    internal BacktestPartial(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes)
        : this(first, count, strategies, steps, bins, stride, keepEpisodes, null)
    {
    }

    /// <summary>A shard whose columns come from <see cref="ColumnPool"/> (<see cref="ReturnColumns"/> hands them back).</summary>
    /// <param name="layout">What the runner writes: with <see cref="ColumnLayout.Fused"/> only the cost, forced and
    /// participation columns (the others are one shared all-zero column each); otherwise every column, and the passive
    /// column only of the strategies flagged in <see cref="ColumnLayout.Posts"/>.</param>
    private BacktestPartial(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes, ColumnLayout? layout)
    {
        First = first;
        Count = count;
        Strategies = strategies;
        Steps = steps;
        Bins = bins;
        Stride = stride;
        KeepEpisodes = keepEpisodes;
        if (layout is { } l)
        {
            // Columns every episode of the shard overwrites come uncleared from the pool; a column nothing writes is one
            // cleared array shared by every strategy (only read).
            CostBps = Pooled<double>(strategies, count);
            CostCurrency = Pooled<double>(strategies, count);
            Forced = Pooled<double>(strategies, count);
            MaxParticipation = Pooled<double>(strategies, count);
            Unfilled = l.Fused ? Shared(ZeroColumn<double>(count), strategies) : Pooled<double>(strategies, count);
            Breaches = l.Fused ? Shared(ZeroColumn<int>(count), strategies) : Pooled<int>(strategies, count);
            OpportunityBps = l.Fused ? Shared(ZeroColumn<double>(count), strategies) : Pooled<double>(strategies, count);
            Passive = new PassiveStats[strategies][];
            PassiveStats[]? zero = null;
            for (int s = 0; s < strategies; s++)
            {
                Passive[s] = !l.Fused && l.Posts[s] ? Pooled<PassiveStats>(count) : zero ??= ZeroColumn<PassiveStats>(count);
            }
        }
        else
        {
            CostBps = Columns<double>(strategies, count);
            CostCurrency = Columns<double>(strategies, count);
            Forced = Columns<double>(strategies, count);
            Unfilled = Columns<double>(strategies, count);
            Breaches = Columns<int>(strategies, count);
            MaxParticipation = Columns<double>(strategies, count);
            OpportunityBps = Columns<double>(strategies, count);
            Passive = Columns<PassiveStats>(strategies, count);
        }

        EpisodeResults = Columns<EpisodeResult>(strategies, keepEpisodes ? count : 0);
        Inventory = new BacktestRunner.InventoryStats(strategies, steps, bins, stride);
        Participation = new BacktestRunner.ParticipationStats(strategies, steps);
        Firings = new IReadOnlyList<Strategies.GuardFiring>[strategies];
        for (int s = 0; s < strategies; s++) Firings[s] = [];
    }

    /// <summary>First episode of the shard.</summary>
    public int First { get; }

    /// <summary>Episodes in the shard.</summary>
    public int Count { get; }

    /// <summary>Strategies run (the known optimum's schedule included).</summary>
    public int Strategies { get; }

    /// <summary>Decision steps per episode.</summary>
    public int Steps { get; }

    /// <summary>Whether every episode's full result is kept.</summary>
    public bool KeepEpisodes { get; }

    internal int Bins { get; }
    internal int Stride { get; }
    internal double[][] CostBps { get; }
    internal double[][] CostCurrency { get; }
    internal double[][] Forced { get; }
    internal double[][] Unfilled { get; }
    internal int[][] Breaches { get; }
    internal double[][] MaxParticipation { get; }
    internal double[][] OpportunityBps { get; }
    internal PassiveStats[][] Passive { get; }
    internal EpisodeResult[][] EpisodeResults { get; }
    internal BacktestRunner.InventoryStats Inventory { get; }
    internal BacktestRunner.ParticipationStats Participation { get; }

    /// <summary>Per strategy, how often each of its guards fired in this shard's episodes (empty for unguarded strategies).</summary>
    internal IReadOnlyList<Strategies.GuardFiring>[] Firings { get; }

    /// <summary>False for a shard stored before guard firings were kept with it: a merge then cannot count them.</summary>
    internal bool HasFirings { get; private set; } = true;

    /// <summary>The shard in its stored form (Brotli-compressed binary; doubles keep their bits).</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var zip = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(Magic);
            w.Write(First);
            w.Write(Count);
            w.Write(Strategies);
            w.Write(Steps);
            w.Write(Bins);
            w.Write(Stride);
            w.Write(KeepEpisodes);
            for (int s = 0; s < Strategies; s++)
            {
                Write(w, CostBps[s]);
                Write(w, CostCurrency[s]);
                Write(w, Forced[s]);
                Write(w, Unfilled[s]);
                foreach (int b in Breaches[s]) w.Write(b);
                Write(w, MaxParticipation[s]);
                Write(w, OpportunityBps[s]);
                foreach (var x in Passive[s])
                {
                    w.Write(x.Posted);
                    w.Write(x.Filled);
                    w.Write(x.Crossed);
                    w.Write(x.SpreadCaptured);
                    w.Write(x.MarkoutCost);
                    w.Write(x.MarkoutQuantity);
                }
                foreach (var e in EpisodeResults[s])
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

            Inventory.Write(w);
            Participation.Write(w);
            // Guard firings last, so shards stored before them still read (without firings).
            for (int s = 0; s < Strategies; s++)
            {
                w.Write(Firings[s].Count);
                foreach (var f in Firings[s])
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

    /// <summary>Reads a shard written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a stored shard.</exception>
    public static BacktestPartial FromBytes(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            using var zip = new BrotliStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            using var r = new BinaryReader(zip);
            if (r.ReadInt32() != Magic) throw new InvalidDataException("Not a stored backtest shard.");
            var p = new BacktestPartial(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean());
            for (int s = 0; s < p.Strategies; s++)
            {
                Read(r, p.CostBps[s]);
                Read(r, p.CostCurrency[s]);
                Read(r, p.Forced[s]);
                Read(r, p.Unfilled[s]);
                for (int e = 0; e < p.Count; e++) p.Breaches[s][e] = r.ReadInt32();
                Read(r, p.MaxParticipation[s]);
                Read(r, p.OpportunityBps[s]);
                var passive = p.Passive[s];
                for (int e = 0; e < passive.Length; e++)
                {
                    passive[e] = new PassiveStats(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
                }
                var episodes = p.EpisodeResults[s];
                for (int e = 0; e < episodes.Length; e++)
                {
                    episodes[e] = new EpisodeResult(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(),
                        r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble())
                    {
                        UnfilledQuantity = r.ReadDouble(),
                        OpportunityCostBps = r.ReadDouble(),
                    };
                }
            }

            p.Inventory.Read(r);
            p.Participation.Read(r);
            p.HasFirings = ReadFirings(r, p);
            return p;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A stored backtest shard is cut short.", e);
        }
    }

    private static bool ReadFirings(BinaryReader r, BacktestPartial p)
    {
        int first;
        try
        {
            first = r.ReadInt32();
        }
        catch (EndOfStreamException)
        {
            return false; // stored before firings were kept
        }

        for (int s = 0; s < p.Strategies; s++)
        {
            int n = s == 0 ? first : r.ReadInt32();
            var list = new Strategies.GuardFiring[n];
            for (int i = 0; i < n; i++) list[i] = new Strategies.GuardFiring(r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt64());
            p.Firings[s] = list;
        }

        return true;
    }

    /// <summary>What <see cref="BacktestRunner.RunEpisodes"/> writes into a shard's columns.</summary>
    /// <param name="Fused">The fused schedule kernel runs: only costs, forced quantity and participation are written.</param>
    /// <param name="Posts">Per strategy, whether it posts limit orders (and so writes the passive column).</param>
    internal readonly record struct ColumnLayout(bool Fused, bool[] Posts);

    /// <summary>A shard for <see cref="BacktestRunner.RunEpisodes"/> with pooled columns laid out as it writes them.</summary>
    internal static BacktestPartial ForRun(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes, ColumnLayout layout) =>
        new(first, count, strategies, steps, bins, stride, keepEpisodes, layout);

    /// <summary>Hands the pooled columns back to <see cref="ColumnPool"/>. Only for a shard whose columns nothing reads any
    /// more (the single shard of <see cref="BacktestRunner.Run"/> once merged: the result keeps no column).</summary>
    internal void ReturnColumns()
    {
        foreach (var array in _rented)
        {
            switch (array)
            {
                case double[] d: ColumnPool.Return(d); break;
                case int[] i: ColumnPool.Return(i); break;
                case PassiveStats[] p: ColumnPool.Return(p); break;
            }
        }

        _rented.Clear();
    }

    private T[][] Pooled<T>(int strategies, int count)
    {
        var columns = new T[strategies][];
        for (int s = 0; s < strategies; s++) columns[s] = Pooled<T>(count);
        return columns;
    }

    private T[] Pooled<T>(int count)
    {
        var array = ColumnPool.Rent<T>(count);
        _rented.Add(array);
        return array;
    }

    private T[] ZeroColumn<T>(int count)
    {
        var array = ColumnPool.RentCleared<T>(count);
        _rented.Add(array);
        return array;
    }

    private static T[][] Shared<T>(T[] column, int strategies)
    {
        var columns = new T[strategies][];
        Array.Fill(columns, column);
        return columns;
    }

    private static T[][] Columns<T>(int strategies, int count)
    {
        var columns = new T[strategies][];
        for (int s = 0; s < strategies; s++) columns[s] = new T[count];
        return columns;
    }

    private static void Write(BinaryWriter w, double[] values)
    {
        foreach (double v in values) w.Write(v);
    }

    private static void Read(BinaryReader r, double[] values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadDouble();
    }
}
