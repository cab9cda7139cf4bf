using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Web.Features.Scenarios;

/// <summary>
/// The scenario builder's editable fields. It edits a copy of a full <see cref="Scenario"/>, so fields the form does not
/// show (volume profile, events, ...) survive a round trip, and validation is the scenario's own.
/// </summary>
public sealed class ScenarioFormModel
{
    private readonly Scenario _original;

    public ScenarioFormModel(Scenario scenario)
    {
        _original = scenario;
        Name = scenario.Name;
        Side = scenario.Order.Side;
        SizePctAdv = scenario.Order.SizePctAdv;
        HorizonMinutes = scenario.Order.HorizonMinutes;
        Steps = scenario.Order.Steps;
        ArrivalPrice = scenario.Market.ArrivalPrice;
        Adv = scenario.Market.Adv;
        DailyVolatilityPct = scenario.Market.DailyVolatility * 100;
        Regime = scenario.Market.Regime;
        ImpactModel = scenario.Market.Impact.Model;
        Eta = scenario.Market.Impact.Eta;
        Gamma = scenario.Market.Impact.Gamma;
        Epsilon = scenario.Market.Impact.Epsilon;
        SpreadBps = scenario.Market.Spread.MeanBps;
        FeeBps = scenario.Costs.FeeBps;
        MaxParticipationPct = scenario.Constraints.MaxParticipationPct;
        RiskAversion = scenario.StrategySettings.RiskAversion;
        Episodes = scenario.Episodes;
        Seed = scenario.Seed;
        Strategies = [.. scenario.Strategies];
    }

    public string Name { get; set; }
    public Side Side { get; set; }
    public double SizePctAdv { get; set; }
    public double HorizonMinutes { get; set; }
    public int Steps { get; set; }
    public double ArrivalPrice { get; set; }
    public double Adv { get; set; }
    public double DailyVolatilityPct { get; set; }
    public string Regime { get; set; }
    public string ImpactModel { get; set; }
    public double Eta { get; set; }
    public double Gamma { get; set; }
    public double Epsilon { get; set; }
    public double SpreadBps { get; set; }
    public double FeeBps { get; set; }
    public double? MaxParticipationPct { get; set; }
    public double RiskAversion { get; set; }
    public int Episodes { get; set; }
    public long Seed { get; set; }
    public HashSet<string> Strategies { get; set; }

    public Scenario ToScenario() => _original with
    {
        Name = Name,
        Order = _original.Order with { Side = Side, SizePctAdv = SizePctAdv, HorizonMinutes = HorizonMinutes, Steps = Steps },
        Market = _original.Market with
        {
            ArrivalPrice = ArrivalPrice,
            Adv = Adv,
            DailyVolatility = DailyVolatilityPct / 100,
            Regime = Regime,
            Impact = _original.Market.Impact with { Model = ImpactModel, Eta = Eta, Gamma = Gamma, Epsilon = Epsilon },
            Spread = _original.Market.Spread with { MeanBps = SpreadBps },
        },
        Costs = _original.Costs with { FeeBps = FeeBps },
        Constraints = _original.Constraints with { MaxParticipationPct = MaxParticipationPct },
        StrategySettings = _original.StrategySettings with { RiskAversion = RiskAversion },
        Episodes = Episodes,
        Seed = Seed,
        Strategies = [.. Strategies.OrderBy(CatalogOrder).ThenBy(id => id, StringComparer.Ordinal)],
    };

    private static int CatalogOrder(string id)
    {
        var index = StrategyCatalog.Baselines.Select(b => b.Id).ToList().IndexOf(id);
        return index < 0 ? int.MaxValue : index;
    }

    /// <summary>Every problem, keyed by the scenario's JSON field (e.g. <c>order.steps</c>).</summary>
    public IReadOnlyList<ValidationError> Validate() => ToScenario().Validate();
}
