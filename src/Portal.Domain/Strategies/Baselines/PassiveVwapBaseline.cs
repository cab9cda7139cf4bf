using Portal.Domain.Scenarios;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Passive VWAP: VWAP's slices along the expected volume profile, each posted as a limit order at the touch (plus
/// the scenario's offset) and crossed for what is unfilled when its time-to-live ends.</summary>
public sealed class PassiveVwapBaseline : PassiveScheduleBaseline
{
    /// <inheritdoc />
    public override string Id => "vwap-passive";

    /// <inheritdoc />
    public override string Name => "Passive VWAP";

    /// <inheritdoc />
    public override int Order => 22;

    /// <inheritdoc />
    protected override string Slices => "VWAP's slices";

    /// <inheritdoc />
    protected override double[] Holdings(Scenario scenario) => VwapBaseline.Holdings(scenario);
}
