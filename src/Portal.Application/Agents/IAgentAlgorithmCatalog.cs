using Portal.Domain.Strategies;

namespace Portal.Application.Agents;

/// <summary>The learning algorithms a training may ask for, as their registrations describe them. The agents project
/// implements it; pages and the API read it without knowing how agents train.</summary>
public interface IAgentAlgorithmCatalog
{
    /// <summary>Every algorithm, in display order.</summary>
    IReadOnlyList<AgentAlgorithmInfo> Algorithms { get; }

    /// <summary>True when <paramref name="id"/> is a registered algorithm.</summary>
    bool Contains(string? id) => Algorithms.Any(a => a.Id == id);
}
