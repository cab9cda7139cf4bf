using System.Globalization;
using System.Reflection;
using System.Text;
using Portal.Agents.Training;
using Portal.Domain.Strategies;
using Portal.Testing;

namespace Portal.Agents.Tests;

/// <summary>
/// Every algorithm's hyperparameters are declared once (its record's <c>Schema</c>): the defaults lie inside the declared
/// ranges, a value just outside each bound is refused by the record's constructor and by the registry's check alike, each
/// naming the field and the range, and the docs' tables agree with the registry.
/// </summary>
public sealed class HyperparameterSchemaTests
{
    public static TheoryData<string> Algorithms => [.. AgentAlgorithms.Ids];

    /// <summary>A value just outside each bound of <paramref name="p"/> (given the other fields' defaults), with the bound it crosses.</summary>
    private static IEnumerable<(string Value, string Bound)> JustOutside(AgentHyperparameter p, AgentAlgorithmInfo info)
    {
        var spec = p.Spec;
        if (p.Type == "bool")
        {
            yield return ("maybe", "true or false");
            yield break;
        }
        if (spec.AllowedValues is not null)
        {
            yield return ("nonsense", spec.RangeText);
            yield break;
        }
        double Other() => double.Parse(info.Parameters.Single(o => o.Name == spec.Other).Default, CultureInfo.InvariantCulture);
        var lows = new List<(double Bound, bool Exclusive)>();
        var highs = new List<(double Bound, bool Exclusive)>();
        if (!double.IsNegativeInfinity(spec.Min)) lows.Add((spec.Min, spec.MinExclusive));
        if (!double.IsPositiveInfinity(spec.Max)) highs.Add((spec.Max, spec.MaxExclusive));
        if (double.IsPositiveInfinity(spec.Max) && spec.MaxExclusive && p.Type == "double") yield return ("Infinity", "∞");
        if (spec.MinOf is not null) lows.Add((Other(), false));
        if (spec.MaxOf is not null) highs.Add((Other(), false));
        foreach (var (bound, exclusive) in lows)
        {
            double x = exclusive ? bound : p.Type == "int" ? bound - 1 : Math.BitDecrement(bound);
            yield return (x.ToString("R", CultureInfo.InvariantCulture), $"lower bound {bound}");
        }
        foreach (var (bound, exclusive) in highs)
        {
            double x = exclusive ? bound : p.Type == "int" ? bound + 1 : Math.BitIncrement(bound);
            if (p.Type == "int" && x > int.MaxValue) continue;
            yield return (x.ToString("R", CultureInfo.InvariantCulture), $"upper bound {bound}");
        }
    }

    /// <summary>Constructs the algorithm's record with every default except <paramref name="name"/> = <paramref name="value"/>.</summary>
    private static object Construct(AgentAlgorithm algorithm, string name, string value)
    {
        var constructor = algorithm.HyperparameterType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        object?[] args = [.. constructor.GetParameters().Select(p => p.Name != name ? p.DefaultValue : p.ParameterType == typeof(int)
            ? (object)int.Parse(value, CultureInfo.InvariantCulture)
            : p.ParameterType == typeof(double) ? double.Parse(value, CultureInfo.InvariantCulture) : value)];
        try
        {
            return constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void The_schema_declares_every_constructor_parameter_in_order_and_the_defaults_lie_inside_their_ranges(string id)
    {
        var algorithm = AgentAlgorithms.Get(id);
        var info = algorithm.Info;
        var constructor = algorithm.HyperparameterType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

        Assert.Equal(constructor.GetParameters().Select(p => p.Name), algorithm.Schema.Select(s => s.Name));
        Assert.All(info.Parameters, p =>
        {
            Assert.Same(algorithm.Schema[p.Name], p.Spec);
            Assert.False(string.IsNullOrWhiteSpace(p.Help));
            Assert.EndsWith(".", p.Help, StringComparison.Ordinal);
            Assert.Null(p.Problem(p.Default, other => info.Parameters.Single(o => o.Name == other).Default));
        });
        Assert.NotNull(Construct(algorithm, "", "")); // the constructor accepts every default
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_value_just_outside_each_bound_is_refused_by_the_record_and_by_the_registry_naming_field_and_range(string id)
    {
        var algorithm = AgentAlgorithms.Get(id);
        var info = algorithm.Info;
        int checkedBounds = 0;
        foreach (var p in info.Parameters)
        {
            foreach (var (value, bound) in JustOutside(p, info))
            {
                checkedBounds++;
                string registry = p.Problem(value, other => info.Parameters.Single(o => o.Name == other).Default)
                    ?? throw new Xunit.Sdk.XunitException($"{id}.{p.Name} = {value} (past its {bound}) passed the registry's check.");
                Assert.StartsWith($"{p.Name} must be", registry, StringComparison.Ordinal);
                string range = p.Spec.Other is { } other ? p.Range.Replace(other, $"{other} = {info.Parameters.Single(o => o.Name == other).Default}", StringComparison.Ordinal) : p.Range;
                Assert.Contains(range, registry, StringComparison.Ordinal);
                Assert.Contains(value == "Infinity" ? "∞" : value, registry, StringComparison.Ordinal);
                if (p.Type == "bool")
                {
                    continue; // a flag's record field cannot hold anything but true or false
                }

                var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Construct(algorithm, p.Name, value));
                Assert.Equal(p.Spec.Property, refused.ParamName);
                Assert.Contains($"{p.Spec.Property} must be", refused.Message, StringComparison.Ordinal);
                Assert.Contains(range, refused.Message, StringComparison.Ordinal);
            }
        }
        Assert.True(checkedBounds >= info.Parameters.Count, $"{id}: only {checkedBounds} bounds checked");
    }

    [Fact]
    public void A_bound_that_is_another_hyperparameter_shows_its_value_in_the_message()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new Dqn.DqnHyperparameters(batchSize: 1_000, bufferCapacity: 500));
        Assert.StartsWith("BatchSize must be in [1, bufferCapacity = 500]; got 1000.", refused.Message, StringComparison.Ordinal);
        var ppo = AgentAlgorithms.Get("ppo").Info.Parameters.Single(p => p.Name == "episodesPerPath");
        Assert.Equal("[1, parallelEpisodes], dividing parallelEpisodes", ppo.Range);
        Assert.Equal("hyperparameters.episodesPerPath must be in [1, parallelEpisodes = 64], dividing parallelEpisodes = 64; got 5.",
            ppo.Problem("5", _ => "64", "hyperparameters.episodesPerPath"));
        Assert.Null(ppo.Problem("16", _ => "64"));
        Assert.Equal("learningRate must be a number in (0, 1]; got fast.",
            AgentAlgorithms.Get("ppo").Info.Parameters.Single(p => p.Name == "learningRate").Problem("fast", _ => null));
    }

    /// <summary>The hyperparameter tables of docs/agents.md as the registry writes them.</summary>
    internal static string Tables()
    {
        var text = new StringBuilder();
        foreach (var algorithm in AgentAlgorithms.All.Select(a => a.Info))
        {
            text.Append(CultureInfo.InvariantCulture, $"### {algorithm.Name} (`{algorithm.Id}`)\n\n");
            text.Append("| hyperparameter | default | allowed | unit | what it does |\n| --- | --- | --- | --- | --- |\n");
            foreach (var p in algorithm.Parameters)
            {
                text.Append(CultureInfo.InvariantCulture, $"| `{p.Name}` | {p.Default} | {p.Range.Replace("|", "\\|", StringComparison.Ordinal)} | {p.Unit} | {p.Help} |\n");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    [Fact]
    public void The_docs_hyperparameter_tables_are_the_registrys()
    {
        const string begin = "<!-- hyperparameter tables: written from the registry, checked by HyperparameterSchemaTests -->\n";
        const string end = "<!-- end of hyperparameter tables -->";
        string docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "agents.md")).ReplaceLineEndings("\n");
        int start = docs.IndexOf(begin, StringComparison.Ordinal);
        int stop = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "docs/agents.md lacks its hyperparameter tables section");

        string expected = Tables();
        string actual = docs[(start + begin.Length)..stop].Trim('\n') + "\n";
        Assert.True(expected == actual, "docs/agents.md disagrees with the registry; the tables should read:\n" + expected);
    }
}
