using Portal.Domain.Simulation;

namespace Portal.Agents.Environment;

/// <summary>
/// A batch of parallel episodes spread evenly over several component markets (e.g. the scenario variants of every
/// MAP-Elites niche), advanced in lock step, so one batch of training holds every component.
/// </summary>
/// <remarks>
/// <para>Stratified assignment: at a reset with <c>episodesPerPath</c> = m, the batch's paths (consecutive groups of m
/// episodes, as <see cref="IExecutionMarket.Reset"/> defines them) are dealt to the components in turn, path p to component
/// p mod K, so every component receives ⌊P/K⌋ or ⌈P/K⌉ of the P paths and the episodes that share a path stay in one
/// component (a leave-one-out baseline over them compares like with like). Component c's episodes draw their paths from
/// its own stream, seeded by <see cref="RandomStream.TaggedSeed"/>(seed, c + 1), path q of the component being its q-th
/// path; so the same reset seed gives the same paths to every strategy (common random numbers) and the components never
/// share a path.</para>
/// <para>Each component market is built once per batch size by the factory given to the constructor and reused.</para>
/// </remarks>
public sealed class MixtureMarket : IExecutionMarket
{
    private readonly Func<int, int, IExecutionMarket> _factory;
    private readonly int _components;
    private readonly Dictionary<(int Component, int Size), IExecutionMarket> _built = [];
    private readonly IExecutionMarket?[] _active;
    private readonly int[] _componentOf;
    private readonly int[] _localOf;
    private readonly double[] _traded;
    private double[][] _fractions = [];
    private double[][] _costs = [];
    private double[][] _penalties = [];
    private int _firstActive;

    /// <summary>
    /// Creates <paramref name="batchSize"/> parallel episodes over <paramref name="components"/> markets;
    /// <paramref name="factory"/>(component, episodes) builds component <c>component</c>'s market with that many episodes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 component or episode, or components with different step counts.</exception>
    public MixtureMarket(int components, int batchSize, Func<int, int, IExecutionMarket> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (components is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(components), components, "Components must be in [1, 10,000].");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch needs at least one episode.");
        _factory = factory;
        _components = components;
        _active = new IExecutionMarket?[components];
        _componentOf = new int[batchSize];
        _localOf = new int[batchSize];
        _traded = new double[batchSize];
        BatchSize = batchSize;
        Reset(0);
    }

    /// <summary>Number of component markets.</summary>
    public int Components => _components;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public int Steps => _active[_firstActive]!.Steps;

    /// <inheritdoc />
    public int StepIndex => _active[_firstActive]!.StepIndex;

    /// <inheritdoc />
    public ReadOnlySpan<double> LastTradedFraction => _traded;

    /// <inheritdoc />
    public bool LastStepWasForced => _active[_firstActive]!.LastStepWasForced;

    /// <summary>The component that episode <paramref name="episode"/> of the current reset runs in.</summary>
    public int ComponentOf(int episode) => _componentOf[episode];

    /// <inheritdoc />
    public void Reset(long seed, int episodesPerPath = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodesPerPath, 1);
        var sizes = new int[_components];
        for (int i = 0; i < BatchSize; i++)
        {
            int path = i / episodesPerPath;
            int c = path % _components;
            _componentOf[i] = c;
            _localOf[i] = path / _components * episodesPerPath + i % episodesPerPath;
            sizes[c] = Math.Max(sizes[c], _localOf[i] + 1);
        }

        _firstActive = -1;
        int? steps = null;
        for (int c = 0; c < _components; c++)
        {
            if (sizes[c] == 0)
            {
                _active[c] = null;
                continue;
            }

            if (!_built.TryGetValue((c, sizes[c]), out var market))
            {
                market = _factory(c, sizes[c]);
                if (market.BatchSize != sizes[c])
                {
                    throw new InvalidOperationException($"Component {c}'s market has {market.BatchSize} episodes; {sizes[c]} were asked for.");
                }

                _built[(c, sizes[c])] = market;
            }

            if (steps is { } s && market.Steps != s)
            {
                throw new ArgumentOutOfRangeException(nameof(episodesPerPath), market.Steps, $"Component {c} has {market.Steps} steps; the others have {s}. Every component needs the same.");
            }

            steps = market.Steps;
            _active[c] = market;
            if (_firstActive < 0) _firstActive = c;
            market.Reset(RandomStream.TaggedSeed(seed, (ulong)c + 1), episodesPerPath);
        }

        _fractions = [.. sizes.Select(n => new double[n])];
        _costs = [.. sizes.Select(n => new double[n])];
        _penalties = [.. sizes.Select(n => new double[n])];
        Array.Clear(_traded);
    }

    /// <inheritdoc />
    public ExecutionObservation Observe(int episode) => Component(episode).Observe(_localOf[episode]);

    /// <inheritdoc />
    public double MaxFractionOfRemaining(int episode) => Component(episode).MaxFractionOfRemaining(_localOf[episode]);

    /// <inheritdoc />
    public double UnrealisedCostBps(int episode) => Component(episode).UnrealisedCostBps(_localOf[episode]);

    /// <inheritdoc />
    public double PriceNoiseBps(int episode) => Component(episode).PriceNoiseBps(_localOf[episode]);

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        for (int i = 0; i < BatchSize; i++)
        {
            _fractions[_componentOf[i]][_localOf[i]] = fractionOfRemaining[i];
        }

        for (int c = 0; c < _components; c++)
        {
            _active[c]?.Step(_fractions[c], _costs[c], _penalties[c]);
        }

        for (int i = 0; i < BatchSize; i++)
        {
            int c = _componentOf[i], j = _localOf[i];
            costIncrementBps[i] = _costs[c][j];
            riskPenaltyBps[i] = _penalties[c][j];
            _traded[i] = _active[c]!.LastTradedFraction[j];
        }
    }

    private IExecutionMarket Component(int episode) => _active[_componentOf[episode]]!;
}
