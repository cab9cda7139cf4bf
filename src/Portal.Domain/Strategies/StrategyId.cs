namespace Portal.Domain.Strategies;

/// <summary>What a strategy id names.</summary>
public enum StrategyKind
{
    /// <summary>Not a registered baseline and without a ':' (a scenario listing it is invalid).</summary>
    Unknown,

    /// <summary>A baseline of the <see cref="StrategyRegistry"/>, e.g. <c>twap</c>.</summary>
    Baseline,

    /// <summary>A trained agent of the portal, <c>agent:&lt;32 hex digits&gt;</c>, or an agent file named on the command line, <c>agent:NAME</c>.</summary>
    Agent,

    /// <summary>Any other id containing ':' that the caller supplies as an extra strategy.</summary>
    External,
}

/// <summary>
/// A strategy id as scenarios, results and reports carry it (<c>strategies[].id</c>), parsed once: a registered baseline,
/// an agent (<c>agent:…</c>) or another external strategy. The text stays the stable interface; this type says what it names.
/// </summary>
public readonly record struct StrategyId
{
    /// <summary>Prefix of every agent strategy id.</summary>
    public const string AgentPrefix = "agent:";

    private StrategyId(string value) => Value = value;

    /// <summary>The id as stored and serialised.</summary>
    public string Value { get; }

    /// <summary>What the id names, looked up in the <see cref="StrategyRegistry"/>.</summary>
    public StrategyKind Kind =>
        StrategyRegistry.IsBaseline(Value) ? StrategyKind.Baseline
        : IsAgentId(Value) ? StrategyKind.Agent
        : Value.Contains(':', StringComparison.Ordinal) ? StrategyKind.External
        : StrategyKind.Unknown;

    /// <summary>True for <c>agent:…</c> ids.</summary>
    public bool IsAgent => Kind == StrategyKind.Agent;

    /// <summary>True for a registered baseline.</summary>
    public bool IsBaseline => Kind == StrategyKind.Baseline;

    /// <summary>The reference of paired differences.</summary>
    public static StrategyId Twap { get; } = new("twap");

    /// <summary>The floor a strategy worth anything must clear.</summary>
    public static StrategyId Random { get; } = new("random");

    /// <summary>The best static schedule, the bar adaptivity must clear.</summary>
    public static StrategyId BestStatic { get; } = new("best-static");

    /// <summary>Parses a stored or submitted id.</summary>
    /// <exception cref="ArgumentException">The id is empty or blank.</exception>
    public static StrategyId Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return new StrategyId(value);
    }

    /// <summary>The id under which a scenario runs the portal's trained agent <paramref name="agentId"/>.</summary>
    public static StrategyId ForAgent(Guid agentId) => new(AgentPrefix + agentId.ToString("N"));

    /// <summary>The id of an agent loaded from a file or folder named <paramref name="name"/> (the command line's <c>backtest --agent</c>).</summary>
    public static StrategyId ForAgentNamed(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new StrategyId(AgentPrefix + name);
    }

    /// <summary>The portal agent's id when this is <c>agent:&lt;guid&gt;</c>.</summary>
    public bool TryGetAgentId(out Guid agentId)
    {
        agentId = Guid.Empty;
        return IsAgentId(Value) && Guid.TryParse(Value.AsSpan(AgentPrefix.Length), out agentId);
    }

    /// <summary>True when <paramref name="id"/> (a stored or submitted string) names an agent, <c>agent:…</c>.</summary>
    public static bool IsAgentId(string? id) => id is not null && id.StartsWith(AgentPrefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="id"/> (a stored string) is this id.</summary>
    public bool Is(string? id) => string.Equals(Value, id, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Value ?? "";

    /// <summary>The stored text.</summary>
    public static implicit operator string(StrategyId id) => id.Value;
}
