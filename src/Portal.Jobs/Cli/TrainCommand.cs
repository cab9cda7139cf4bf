using System.CommandLine;

namespace Portal.Jobs.Cli;

/// <summary><c>train --agent ppo --scenario FILE.json --seeds 5 --out DIR</c>: trains an agent headless (see Portal.Agents).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train a learning agent on a scenario with several seeds; writes each seed's artifact and a summary. " +
            "Options: --agent qlearning|dqn|ppo|sac --scenario FILE.json --out DIR [--seeds 5] [--first-seed 1] [--steps N] [--eval-episodes N] " +
            "[--eval-seed S] [--lambda L] [--hyper FILE.json] [--threads N] [--price-noise-control-variate true|false] " +
            "[--curriculum auto[:N]|FILE.json,FILE.json...] [--curriculum-share 0.5] [--dataset FILE[,FILE] [--format lobster|csv]] " +
            "(--dataset replays the scenario on recorded data: training on its training segment, evaluation on its test segment)");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => Task.FromResult(Portal.Agents.Cli.TrainCommand.Run([.. parse.UnmatchedTokens], Console.Out, ct)));
        return command;
    }
}
