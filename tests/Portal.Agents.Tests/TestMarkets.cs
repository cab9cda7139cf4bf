using Portal.Agents.Environment;

namespace Portal.Agents.Tests;

internal static class TestMarkets
{
    /// <summary>The desk order (5% ADV, 1 h, 12 steps) with fewer steps so smoke trainings stay short.</summary>
    public static AlmgrenChrissParameters Desk(double riskAversion = 0, int steps = 8) =>
        AlmgrenChrissParameters.DeskHour with { Steps = steps, RiskAversion = riskAversion };
}
