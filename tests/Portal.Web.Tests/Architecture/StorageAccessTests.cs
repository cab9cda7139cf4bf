using System.Text.RegularExpressions;
using Portal.Testing;

namespace Portal.Web.Tests.Architecture;

/// <summary>
/// Pages and endpoints reach storage only through the use cases in Portal.Application: no file of the web front end
/// mentions the <c>DbContext</c> except its composition root, its health check and its sign-in plumbing.
/// </summary>
public sealed partial class StorageAccessTests
{
    private static readonly string WebSource = Path.Combine(RepositoryPaths.Root, "src", "Portal.Web");

    /// <summary>
    /// Where the web front end touches the DbContext for good, and why. Everything else (pages, endpoints, the upload,
    /// the demo seed) goes through the use cases in Portal.Application.
    /// </summary>
    private const string CompositionRoot = "Program.cs";

    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        // The composition root may wire storage (today it does so through AddPortalData without naming the context).
        [CompositionRoot] = "the composition root",
        // The ASP.NET data-protection key ring lives in the database (every web instance must read the same keys), and
        // the health check asks the database itself whether it answers: both are hosting, not use cases.
        ["PortalHealth.cs"] = "data-protection keys and the database health check",
        // ASP.NET Identity's stores are EF stores over the portal's DbContext; the operator check reads the stored
        // e-mail of the signed-in user inside the authorization pipeline, before any team is known.
        ["Auth/AuthExtensions.cs"] = "Identity's EF stores and the operator check",
    };

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
        var offenders = mentioning.Except(Allowed.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, "Reaches storage outside Portal.Application (use or add a use case there):\n" + string.Join('\n', offenders));

        // The list only shrinks: an allowed file that no longer mentions the DbContext is taken off.
        var stale = Allowed.Keys.Where(f => f != CompositionRoot).Except(mentioning).Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0, "No longer mentions the DbContext: take it off the allowed list:\n" + string.Join('\n', stale));
        Assert.Contains(CompositionRoot, files);
    }
}
