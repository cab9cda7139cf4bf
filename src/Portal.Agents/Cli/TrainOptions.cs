namespace Portal.Agents.Cli;

/// <summary>
/// The <c>train</c> verb's options: their names, value names, defaults and help, written once. The portal's command line
/// (Portal.Jobs) builds its System.CommandLine options from <see cref="All"/>, and <see cref="Parse"/> reads the same
/// options for direct callers (experiments/AgentsCli), so both refuse a flag the verb does not know instead of silently
/// falling back to a default (<c>--evl-episodes 100</c> would otherwise evaluate on 10,000 episodes).
/// </summary>
public static class TrainOptions
{
    /// <summary>One option of the verb, named without its leading <c>--</c>.</summary>
    /// <param name="Name">The option's name, e.g. <c>eval-episodes</c>.</param>
    /// <param name="ValueName">What its value is, shown in help, e.g. <c>N</c>.</param>
    /// <param name="Description">Help text, with the default where there is one.</param>
    /// <param name="Required">Whether the verb refuses to run without it.</param>
    public sealed record Option(string Name, string ValueName, string Description, bool Required = false);

    /// <summary>Every option <c>train</c> accepts, in the order help lists them.</summary>
    public static IReadOnlyList<Option> All { get; } =
    [
        new("agent", "qlearning|dqn|ppo|sac|bcq|td3bc", "The learning algorithm (bcq and td3bc learn offline from logged executions).", Required: true),
        new("scenario", "FILE.json", "A portal scenario (docs/scenario-schema.md) or Almgren–Chriss world parameters.", Required: true),
        new("out", "DIR", "Where each seed's artifact and summary.json are written.", Required: true),
        new("seeds", "N", "Number of seeds trained (default 5)."),
        new("first-seed", "S", "The first seed; the others follow it (default 1)."),
        new("steps", "N", "Environment decisions per seed; gradient updates for offline learners (bcq, td3bc) (default 400000)."),
        new("eval-episodes", "N", "Unseen episodes each seed is evaluated on (default 10000)."),
        new("eval-seed", "S", "Seed of the evaluation episodes (default 1)."),
        new("lambda", "L", "The reward's risk aversion (default: the scenario's strategySettings.riskAversion)."),
        new("hyper", "FILE.json", "Hyperparameters of the algorithm (default: its defaults)."),
        new("order-types", "market|market-limit", "Order types the agent chooses from: market orders only (default) or, for qlearning, the (size, aggressiveness) action: market order or limit at the touch for one step (docs/agents.md)."),
        new("threads", "N", "TorchSharp threads (default 1)."),
        new("price-noise-control-variate", "true|false", "Subtract the price noise from the reward (default true)."),
        new("curriculum", "auto[:N]|FILE.json,FILE.json...", "Train first on N easier versions (auto, default N = 2) or on the listed scenarios, easiest first."),
        new("curriculum-share", "S", "Share of the training steps spent on the curriculum (default 0.5)."),
        new("niches", "VxL", "Train on the scenario's MAP-Elites niche variants (a V×L volatility × liquidity grid, e.g. 3x3), every batch spread evenly over them (docs/map-elites.md)."),
        new("dataset", "FILE[,FILE]", "Replay the scenario on recorded market data: training on its training segment, evaluation on its test segment."),
        new("format", "lobster|csv", "Format of --dataset (default lobster for LOBSTER file names, else csv)."),
        new("behaviour", "twap|noisy-twap|ac|pov|mixture|agent:PATH", "Offline learners: the policy whose executions are logged (default noisy-twap)."),
        new("logged-episodes", "N", "Offline learners: episodes logged by the behaviour policy (default 1000)."),
        new("offline-dataset", "FILE", "Offline learners: reuse a logged dataset (written as DIR/offline-dataset.elxoff by an earlier run) instead of logging one."),
    ];

    /// <summary>
    /// Reads <c>--name value</c> pairs (a leading <c>train</c> is skipped) into a dictionary keyed by name without dashes.
    /// </summary>
    /// <exception cref="ArgumentException">An option <c>train</c> does not know, a value without its option, an option
    /// without its value, or an option given twice; the message names it.</exception>
    public static Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        int start = args.Count > 0 && args[0] == "train" ? 1 : 0;
        for (int i = start; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.", nameof(args));
            }

            string name = args[i][2..];
            if (!All.Any(o => o.Name == name))
            {
                throw new ArgumentException($"Unknown option '--{name}' for train; the options are {string.Join(", ", All.Select(o => "--" + o.Name))}.", nameof(args));
            }

            if (!options.TryAdd(name, args[++i]))
            {
                throw new ArgumentException($"--{name} is given twice.", nameof(args));
            }
        }

        return options;
    }
}
