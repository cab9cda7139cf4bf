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

    /// <summary>Host the Hangfire dashboard at /hangfire (admins only).</summary>
    public bool Dashboard { get; set; } = true;
}
