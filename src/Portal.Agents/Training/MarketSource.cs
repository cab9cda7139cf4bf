using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Agents.Environment;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Training;

/// <summary>
/// Where training and evaluation episodes come from: either the stand-alone Almgren–Chriss world
/// (<see cref="AlmgrenChriss"/>, the paper's units, with its closed-form optimum) or any portal scenario run by the
/// simulator (<see cref="Scenario"/>, with risk aversion <see cref="RiskAversion"/> in the reward).
/// </summary>
public sealed record MarketSource
{
    /// <summary>Almgren–Chriss world parameters (exclusive with <see cref="Scenario"/>).</summary>
    public AlmgrenChrissParameters? AlmgrenChriss { get; init; }

    /// <summary>A portal scenario (exclusive with <see cref="AlmgrenChriss"/>).</summary>
    [JsonConverter(typeof(ScenarioJsonConverter))]
    public Scenario? Scenario { get; init; }

    /// <summary>Risk aversion λ (1/currency) of the reward's risk penalty for a scenario; the AC world carries its own.</summary>
    public double RiskAversion { get; init; }

    /// <summary>The AC world.</summary>
    public static MarketSource For(AlmgrenChrissParameters parameters) => new() { AlmgrenChriss = parameters };

    /// <summary>A scenario with λ taken from its strategy settings unless given.</summary>
    public static MarketSource For(Scenario scenario, double? riskAversion = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new() { Scenario = scenario, RiskAversion = riskAversion ?? scenario.StrategySettings.RiskAversion };
    }

    /// <summary>Risk aversion in force.</summary>
    [JsonIgnore]
    public double Lambda => AlmgrenChriss?.RiskAversion ?? RiskAversion;

    /// <summary>Trading steps per episode.</summary>
    [JsonIgnore]
    public int Steps => AlmgrenChriss?.Steps ?? Scenario!.Order.Steps;

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public MarketSource Validated()
    {
        if ((AlmgrenChriss is null) == (Scenario is null))
        {
            throw new ArgumentException("Exactly one of AlmgrenChriss and Scenario must be set.", nameof(Scenario));
        }

        AlmgrenChriss?.Validated();
        Scenario?.EnsureValid();
        if (!(RiskAversion >= 0) || double.IsInfinity(RiskAversion))
        {
            throw new ArgumentOutOfRangeException(nameof(RiskAversion), RiskAversion, "RiskAversion must be finite and >= 0.");
        }

        if (Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "An agent needs at least 2 steps.");
        }

        return this;
    }

    /// <summary>A batch of <paramref name="batchSize"/> parallel episodes.</summary>
    public IExecutionMarket CreateMarket(int batchSize) => AlmgrenChriss is { } p
        ? new AlmgrenChrissMarket(p, batchSize)
        : new ScenarioMarket(Scenario!, batchSize, RiskAversion);

    /// <summary>Reference strategies on these paths: TWAP and, where the model has one, the known optimum (as holdings x_0…x_N in fractions).</summary>
    public (string Name, double[] Holdings, double? ClosedFormObjectiveBps)? Optimum()
    {
        if (AlmgrenChriss is { } p)
        {
            var x = AlmgrenChrissSolution.OptimalHoldings(p);
            return ("Almgren–Chriss closed form", x.Select(v => v / p.Quantity).ToArray(), AlmgrenChrissSolution.ObjectiveBps(p, x));
        }

        var s = Scenario!;
        if (s.Market.Impact.Model == ImpactModels.AlmgrenChriss && RiskAversion > 0 && KnownOptimum.For(s) is not null)
        {
            var ac = AlmgrenChrissFor(s, RiskAversion);
            var x = AlmgrenChrissSolution.OptimalHoldings(ac);
            return ("Almgren–Chriss closed form (λ > 0)", x.Select(v => v / ac.Quantity).ToArray(), null);
        }

        if (KnownOptimum.For(s) is { } known)
        {
            double notional = s.Quantity * s.Market.ArrivalPrice;
            return (known.Name, known.HoldingsFraction, RiskAversion == 0 ? known.ExpectedCost / notional * 1e4 : null);
        }

        return null;
    }

    /// <summary>The Almgren–Chriss parameters equivalent to an AC scenario (time in days, σ in currency per √day).</summary>
    public static AlmgrenChrissParameters AlmgrenChrissFor(Scenario scenario, double riskAversion)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var m = scenario.Market;
        return new AlmgrenChrissParameters
        {
            Quantity = scenario.Quantity,
            ArrivalPrice = m.ArrivalPrice,
            Sigma = m.DailyVolatility * m.ArrivalPrice,
            Horizon = scenario.HorizonDays,
            Steps = scenario.Order.Steps,
            Epsilon = m.Impact.Epsilon,
            Eta = m.Impact.Eta,
            Gamma = m.Impact.Gamma,
            RiskAversion = riskAversion,
        };
    }

    private sealed class ScenarioJsonConverter : JsonConverter<Scenario>
    {
        public override Scenario Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return ScenarioJson.Parse(document.RootElement.GetRawText());
        }

        public override void Write(Utf8JsonWriter writer, Scenario value, JsonSerializerOptions options) =>
            writer.WriteRawValue(ScenarioJson.Serialize(value));
    }
}
