using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Scenarios;

namespace Portal.Data.Tests;

/// <summary>Runs stored before scenario JSON had a version are relabelled with the regime their values simulated.</summary>
public sealed class StoredRunUpgradeTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_version_one_run_is_rewritten_in_the_current_version_under_the_regime_it_simulated(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // As the builder stored it before: labelled volatile, simulated with normal values, JSON without schemaVersion.
        var v1 = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!.AsObject();
        v1.Remove("schemaVersion");
        v1["market"]!["regime"] = "volatile";
        var demo = ScenarioPresets.Demo();
        var realVolatile = demo with { Market = RegimePresets.Apply(demo.Market, RegimePresets.Volatile) };
        Guid mislabelled, current, notAScenario;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            db.Teams.Add(team);
            Run Add(string json, string regime)
            {
                var run = new Run { TeamId = team.Id, ScenarioName = "s", ScenarioJson = json, Regime = regime, Progress = 0.5 };
                db.Runs.Add(run);
                return run;
            }
            mislabelled = Add(v1.ToJsonString(), "volatile").Id;
            current = Add(ScenarioJson.Serialize(realVolatile), "volatile").Id;
            notAScenario = Add("{\"run\":1}", "calm").Id;
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await StoredRunUpgrade.UpgradeAsync(store.Factory));
        Assert.Equal(0, await StoredRunUpgrade.UpgradeAsync(store.Factory));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var runs = await db.Runs.AsNoTracking().ToDictionaryAsync(r => r.Id);
            Assert.Equal("normal", runs[mislabelled].Regime);
            var upgraded = ScenarioJson.Parse(runs[mislabelled].ScenarioJson);
            Assert.Equal((ScenarioSchema.CurrentVersion, "normal", 0.02), (upgraded.SchemaVersion, upgraded.Market.Regime, upgraded.Market.DailyVolatility));
            Assert.Equal(ScenarioFamily.Fingerprint(runs[mislabelled].ScenarioJson), runs[mislabelled].ScenarioHash);
            Assert.Equal(0.5, runs[mislabelled].Progress);
            Assert.Equal(("volatile", ScenarioJson.Serialize(realVolatile)), (runs[current].Regime, runs[current].ScenarioJson));
            Assert.Equal(("calm", "{\"run\":1}"), (runs[notAScenario].Regime, runs[notAScenario].ScenarioJson));
        }
    }
}
