using Portal.Agents.Environment;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Agents.Tests;

internal static class TestMarkets
{
    private static readonly Lazy<MarketDataset> AmznLevel5 = new(() =>
        LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5)));

    /// <summary>The desk order (5% ADV, 1 h, 12 steps) with fewer steps so smoke trainings stay short.</summary>
    public static AlmgrenChrissParameters Desk(double riskAversion = 0, int steps = 8) =>
        AlmgrenChrissParameters.DeskHour with { Steps = steps, RiskAversion = riskAversion };

    /// <summary>The real LOBSTER AMZN 2012-06-21 recording, five levels a side (parsed once per test run).</summary>
    public static MarketDataset Amzn => AmznLevel5.Value;

    /// <summary>
    /// Sell 1% of ADV over 30 minutes in 6 steps on the AMZN recording, 20% participation cap, 0.2 bps fees; the test
    /// segment (the last 30% of the day) is the one backtests replay.
    /// </summary>
    public static Scenario AmznReplay(Side side = Side.Sell, int episodes = 40) => new()
    {
        Name = "AMZN replay",
        Order = new OrderSpec { Side = side, SizePctAdv = 1, HorizonMinutes = 30, Steps = 6 },
        Market = new MarketSpec { DailyVolatility = 0.015 },
        Costs = new CostSpec { FeeBps = 0.2 },
        Constraints = new ConstraintSpec { MaxParticipationPct = 20 },
        Episodes = episodes,
        Seed = 5,
        Strategies = ["twap"],
        Replay = new ReplaySpec { DatasetId = Guid.Parse("0f6c8c5e-5a0e-4f4e-9a53-7d1d0e2b4a11"), Options = new ReplayOptions { Segment = ReplaySegment.Test } },
    };
}
