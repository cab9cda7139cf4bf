namespace Portal.Web;

/// <summary>Bound from the <c>Portal</c> configuration section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// Create a demo team, login and scenario on first start. Unset: on for the embedded SQLite mode only, so a
    /// production database never holds the published demo login.
    /// </summary>
    public bool? SeedDemo { get; set; }

    public string DemoEmail { get; set; } = "demo@executionlab.local";

    /// <summary>The demo login's password; printed to the console at start.</summary>
    public string DemoPassword { get; set; } = "Demo-Execution-1";

    public string DemoTeam { get; set; } = "Demo desk";

    /// <summary>Host the Hangfire dashboard at /hangfire (for <see cref="Operators"/> only).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// E-mail addresses of the operators who may open the Hangfire dashboard, which shows every team's jobs and their
    /// failures. Empty (the default): nobody. Anyone can register and administer a team of their own, so no team role
    /// grants it; the demo login never does, even when listed. Entries may also hold several addresses separated by
    /// commas or semicolons.
    /// </summary>
    public string[] Operators { get; set; } = [];

    /// <summary>Whether <paramref name="email"/> is one of the <see cref="Operators"/> (never the demo login).</summary>
    public bool IsOperator(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || string.Equals(email.Trim(), DemoEmail.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return Operators
            .SelectMany(entry => (entry ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Any(address => string.Equals(address, email.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
