using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Agents;
using Portal.Domain.Strategies;

namespace Portal.Agents.Training;

/// <summary>
/// How a learning algorithm registers itself: its <see cref="AgentAlgorithmInfo"/>, its hyperparameter record, how it
/// trains and how it reloads a trained policy. Every non-abstract subclass in this assembly is found by
/// <see cref="AgentAlgorithms"/>, so adding an algorithm is its folder plus its registration.
/// </summary>
public abstract class AgentAlgorithm
{
    /// <summary>Stable id, e.g. <c>ppo</c>.</summary>
    public abstract string Id { get; }

    /// <summary>Name shown to users.</summary>
    public abstract string Name { get; }

    /// <summary>One sentence with its source.</summary>
    public abstract string Description { get; }

    /// <summary>Position in lists; unique.</summary>
    public abstract int Order { get; }

    /// <summary>The hyperparameter record type.</summary>
    public abstract Type HyperparameterType { get; }

    /// <summary>The record's <see cref="HyperparameterSchema"/>: its public static <c>Schema</c> property, declared next to
    /// the record; the one place its ranges, units and help live.</summary>
    public HyperparameterSchema Schema => HyperparameterType.GetProperty("Schema", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as HyperparameterSchema
        ?? throw new InvalidOperationException($"{HyperparameterType.Name} declares no public static HyperparameterSchema Schema.");

    /// <summary>What the portal shows of it: each hyperparameter's default (from the record's constructor) with its
    /// declaration in <see cref="Schema"/> (range, unit, help).</summary>
    public AgentAlgorithmInfo Info => new(Id, Name, Description, [.. HyperparameterType.GetConstructors()
        .OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
        .Select(p => new AgentHyperparameter(p.Name!, TypeName(p.ParameterType), Convert.ToString(p.DefaultValue, CultureInfo.InvariantCulture) ?? "")
        {
            Spec = Schema.Find(p.Name!) ?? throw new InvalidOperationException($"{HyperparameterType.Name}.Schema does not declare {p.Name}."),
        })]) { Offline = IsOffline };

    /// <summary>
    /// The hyperparameter record for <paramref name="given"/> (JSON name → value; the rest take their defaults), checked by
    /// <see cref="HyperparameterValidator"/> against <see cref="Schema"/>: the one way the portal, its jobs and the command
    /// line turn requested hyperparameters into the record an algorithm trains with.
    /// </summary>
    /// <exception cref="HyperparameterValidationException">A name is unknown, or a value of the wrong type or out of range;
    /// the message names each field and value.</exception>
    public object CreateHyperparameters(IReadOnlyDictionary<string, object?>? given) =>
        JsonSerializer.Deserialize(HyperparameterValidator.Require(Info, given).ToJson(), HyperparameterType, AgentArtifact.JsonOptions)!;

    private static string TypeName(Type type) =>
        type == typeof(int) ? "int" : type == typeof(bool) ? "bool" : type == typeof(string) ? "string" : "double";

    /// <summary>Trains one agent on the request's market (the caller owns it).</summary>
    internal abstract IExecutionAgent Train(TrainRequest request, ObservationNormalizer normalizer, TrainingSession session);

    /// <summary>Recreates a trained policy from its stored hyperparameters and weights.</summary>
    internal abstract IExecutionAgent Load(JsonElement hyperparameters, Stream weights);

    /// <summary>Whether it learns from a logged <see cref="Offline.OfflineDataset"/> instead of interacting with the market
    /// (its step budget then counts gradient updates).</summary>
    public virtual bool IsOffline => false;
}

/// <summary>An algorithm with hyperparameter record <typeparamref name="THyper"/>.</summary>
public abstract class AgentAlgorithm<THyper> : AgentAlgorithm where THyper : class
{
    /// <inheritdoc />
    public override Type HyperparameterType => typeof(THyper);

    /// <summary>The default hyperparameters.</summary>
    protected abstract THyper Defaults { get; }

    /// <summary>Episodes simulated in parallel per batch.</summary>
    protected abstract int ParallelEpisodes(THyper hyperparameters);

    /// <summary>Trains on an environment.</summary>
    protected abstract IExecutionAgent TrainAgent(ExecutionEnvironment environment, THyper hyperparameters, TrainingSession session);

    /// <summary>Loads trained weights.</summary>
    protected abstract IExecutionAgent LoadAgent(THyper hyperparameters, Stream weights);

    internal override IExecutionAgent Train(TrainRequest request, ObservationNormalizer normalizer, TrainingSession session) =>
        AgentTrainer.Train(request, normalizer, session, (THyper?)request.Hyperparameters ?? Defaults, ParallelEpisodes, TrainAgent);

    /// <summary>Reads a stored hyperparameter record. An algorithm whose record gained a field whose default differs from
    /// what agents stored before it behaved as overrides this to read those agents as they were trained.</summary>
    protected internal virtual THyper ReadStoredHyperparameters(JsonElement hyperparameters) =>
        hyperparameters.Deserialize<THyper>(AgentArtifact.JsonOptions)!;

    internal sealed override IExecutionAgent Load(JsonElement hyperparameters, Stream weights) =>
        LoadAgent(ReadStoredHyperparameters(hyperparameters), weights);
}

/// <summary>Every registered learning algorithm, found once in this assembly and ordered by <see cref="AgentAlgorithm.Order"/>.</summary>
public static class AgentAlgorithms
{
    private static readonly Lazy<IReadOnlyList<AgentAlgorithm>> Registered = new(() =>
        [.. typeof(AgentAlgorithm).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(AgentAlgorithm).IsAssignableFrom(t))
            .Select(t => (AgentAlgorithm)Activator.CreateInstance(t)!)
            .OrderBy(a => a.Order)]);

    /// <summary>Every algorithm, in display order.</summary>
    public static IReadOnlyList<AgentAlgorithm> All => Registered.Value;

    /// <summary>Algorithm ids, in display order.</summary>
    public static IReadOnlyList<string> Ids => [.. All.Select(a => a.Id)];

    /// <summary>The algorithm <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a registered algorithm; the message lists them.</exception>
    public static AgentAlgorithm Get(string id) => All.FirstOrDefault(a => a.Id == id)
        ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"Algorithm must be one of {string.Join(", ", Ids)}.");
}

/// <summary>
/// An offline learner: it never interacts with the market while learning. It logs (or is given) an
/// <see cref="Offline.OfflineDataset"/> of a behaviour policy on the request's market, then spends the session's budget
/// on gradient updates.
/// </summary>
public abstract class OfflineAgentAlgorithm<THyper> : AgentAlgorithm<THyper> where THyper : class
{
    /// <inheritdoc />
    public sealed override bool IsOffline => true;

    /// <summary>Learns from <paramref name="data"/>; one <see cref="TrainingSession.AddSteps"/> per gradient update.</summary>
    protected abstract IExecutionAgent TrainOffline(Offline.OfflineDataset data, ObservationNormalizer normalizer, THyper hyperparameters, TrainingSession session);

    /// <inheritdoc />
    protected sealed override int ParallelEpisodes(THyper hyperparameters) => 1;

    /// <inheritdoc />
    protected sealed override IExecutionAgent TrainAgent(ExecutionEnvironment environment, THyper hyperparameters, TrainingSession session) =>
        throw new InvalidOperationException($"{Name} learns from an offline dataset, not from an environment.");

    internal sealed override IExecutionAgent Train(TrainRequest request, ObservationNormalizer normalizer, TrainingSession session)
    {
        var offline = request.Offline ?? new OfflineDataRequest();
        var data = offline.Dataset ?? Offline.OfflineLogger.Log(request.Market, offline.Behaviour, offline.LoggedEpisodes, session.Seed,
            request.PriceNoiseControlVariate, session.CancellationToken);
        string hash = Offline.OfflineDataset.HashOf(request.Market);
        if (data.Header.ScenarioHash != hash)
        {
            throw new ArgumentException(
                $"The offline dataset was logged on another market (scenario hash {data.Header.ScenarioHash[..12]}…, this market {hash[..12]}…).", nameof(request));
        }

        session.OfflineData = data.Header;
        return TrainOffline(data, normalizer, (THyper?)request.Hyperparameters ?? Defaults, session);
    }
}
