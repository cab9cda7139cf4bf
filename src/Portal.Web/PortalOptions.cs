namespace Portal.Web;

/// <summary>Bound from the <c>Portal</c> configuration section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Create a demo team, login and scenario on first start. Defaults to on for the embedded SQLite mode only.</summary>
    public bool? SeedDemo { get; set; }

    public string DemoEmail { get; set; } = "demo@executionlab.local";

    /// <summary>The demo login's password; printed to the console at start.</summary>
    public string DemoPassword { get; set; } = "Demo-Execution-1";

    public string DemoTeam { get; set; } = "Demo desk";

    /// <summary>Host the Hangfire dashboard at /hangfire (admins of the operators' team only).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// The team whose admins may open the Hangfire dashboard, which shows every team's jobs. Empty: the team created
    /// first (the demo desk in the embedded mode). Anyone can register and administer a team of their own, so being
    /// an admin of some team is not enough.
    /// </summary>
    public string? DashboardTeam { get; set; }
}
