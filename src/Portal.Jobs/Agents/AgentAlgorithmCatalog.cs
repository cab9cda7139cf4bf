using Portal.Agents.Training;
using Portal.Application.Agents;
using Portal.Domain.Strategies;

namespace Portal.Jobs.Agents;

/// <summary>The registered learning algorithms (<see cref="AgentAlgorithms"/>) for pages and the API.</summary>
public sealed class AgentAlgorithmCatalog : IAgentAlgorithmCatalog
{
    /// <inheritdoc />
    public IReadOnlyList<AgentAlgorithmInfo> Algorithms { get; } = [.. AgentAlgorithms.All.Select(a => a.Info)];
}
