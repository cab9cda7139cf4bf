using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Almgren–Chriss (risk-neutral): the trajectory for λ = 0, the expected-cost minimum under linear impact.</summary>
/// <remarks>Almgren and Chriss (2000) with λ = 0: κ = 0 and the holdings are linear in time (see <see cref="AlmgrenChrissBaseline.Holdings"/>).</remarks>
public sealed class AlmgrenChrissNeutralBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "ac-neutral";

    /// <inheritdoc />
    public override string Name => "Almgren–Chriss (risk-neutral)";

    /// <inheritdoc />
    public override string Description => "Almgren–Chriss (2000) trajectory for λ = 0: the expected-cost minimum under linear impact.";

    /// <inheritdoc />
    public override int Order => 50;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario) =>
        new ScheduleStrategy(Id, "Almgren–Chriss (risk-neutral)", AlmgrenChrissBaseline.Holdings(scenario, 0));
}
