using System.Text.RegularExpressions;
using Portal.Testing;

namespace Portal.Web.Tests.Architecture;

/// <summary>
/// Pages and endpoints reach storage only through the use cases in Portal.Application: no file of the web front end
/// mentions the <c>DbContext</c> except its composition root, its health check and the sign-in stores.
/// </summary>
public sealed partial class StorageAccessTests
{
    private static readonly string WebSource = Path.Combine(RepositoryPaths.Root, "src", "Portal.Web");

    /// <summary>Where the web front end may touch the DbContext for good: wiring, health, sign-in and the demo seed at startup.</summary>
    private static readonly HashSet<string> Allowed =
    [
        "Program.cs",
        "PortalHealth.cs",
        "Auth/AuthExtensions.cs",
        "Auth/ApiTokenAuthenticationHandler.cs",
        "Features/Account/AccountEndpoints.cs",
        "Features/Account/DemoSeeder.cs",
    ];

    /// <summary>
    /// Files whose storage access has not moved to Portal.Application yet. The list only shrinks: a file that no
    /// longer mentions the DbContext fails the test until it is taken off.
    /// </summary>
    private static readonly HashSet<string> NotYetMoved =
    [
    ];

    [GeneratedRegex(@"DbContext|PortalDb|IDbContextFactory")]
    private static partial Regex Storage();

    [Fact]
    public void No_page_or_endpoint_mentions_the_DbContext()
    {
        var files = Directory.EnumerateFiles(WebSource, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(WebSource, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} source files found under {WebSource}");

        var mentioning = files.Where(f => Storage().IsMatch(File.ReadAllText(Path.Combine(WebSource, f)))).ToHashSet();
        var offenders = mentioning.Except(Allowed).Except(NotYetMoved).Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, "Reaches storage outside Portal.Application (use or add a use case there):\n" + string.Join('\n', offenders));

        var moved = NotYetMoved.Except(mentioning).Order(StringComparer.Ordinal).ToList();
        Assert.True(moved.Count == 0, "No longer mentions the DbContext: take it off the not-yet-moved list:\n" + string.Join('\n', moved));
        Assert.Contains("Program.cs", files);
    }
}
