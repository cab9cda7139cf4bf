using System.Text.RegularExpressions;
using Portal.Testing;

namespace Portal.Web.Tests.Architecture;

/// <summary>
/// The web front end knows no job runner and no learning code: only its composition root, <c>Program.cs</c>, wires the
/// in-process worker. Everything else reaches jobs and agents through Application and Domain types (<c>IJobQueue</c>,
/// <c>IAgentAlgorithmCatalog</c>, <c>StrategyId</c>).
/// </summary>
public sealed partial class WebDependencyTests
{
    private static readonly string WebSource = Path.Combine(RepositoryPaths.Root, "src", "Portal.Web");

    [GeneratedRegex(@"\bPortal\.(Jobs|Agents)\b")]
    private static partial Regex JobsOrAgents();

    [Fact]
    public void No_web_source_file_but_Program_mentions_the_jobs_or_agents_namespaces()
    {
        var files = Directory.EnumerateFiles(WebSource, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f => !IsBuildOutput(f))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} source files found under {WebSource}");

        var offenders = new List<string>();
        foreach (var file in files)
        {
            string relative = Path.GetRelativePath(WebSource, file);
            if (relative == "Program.cs") continue;
            string text = File.ReadAllText(file);
            foreach (Match m in JobsOrAgents().Matches(text))
            {
                int line = text.AsSpan(0, m.Index).Count('\n') + 1;
                offenders.Add($"{relative}:{line}: {m.Value}");
            }
        }

        Assert.True(offenders.Count == 0, "Web reaches into Jobs or Agents outside Program.cs:\n" + string.Join('\n', offenders));
        Assert.Matches(JobsOrAgents(), File.ReadAllText(Path.Combine(WebSource, "Program.cs")));
    }

    [Fact]
    public void The_web_project_references_the_agents_only_through_the_jobs_it_composes()
    {
        string project = File.ReadAllText(Path.Combine(WebSource, "Portal.Web.csproj"));
        Assert.DoesNotContain("Portal.Agents.csproj", project, StringComparison.Ordinal);
        Assert.Contains("Portal.Application.csproj", project, StringComparison.Ordinal);
    }

    private static bool IsBuildOutput(string path)
    {
        string relative = Path.GetRelativePath(WebSource, path);
        return relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
