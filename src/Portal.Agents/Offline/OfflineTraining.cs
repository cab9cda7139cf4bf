using Portal.Agents.Common;
using Portal.Agents.Environment;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Offline;

/// <summary>
/// What BCQ and TD3+BC share: argument checks, target networks that start as copies, the loop that spends a session's budget
/// of gradient updates (one <see cref="TrainingSession.AddSteps"/> per update, progress reported about 50 times), and the
/// mapping of the learners' [−1, 1] actions to traded fractions.
/// </summary>
internal static class OfflineTraining
{
    /// <summary>Throws <see cref="ArgumentNullException"/> for any missing input of an offline learner.</summary>
    public static void Require(OfflineDataset data, ObservationNormalizer normalizer, object hyperparameters, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(session);
    }

    /// <summary>A new two-layer perceptron holding a copy of <paramref name="source"/>'s parameters (a target network).</summary>
    public static nn.Module<Tensor, Tensor> TargetOf(nn.Module<Tensor, Tensor> source, int inputs, int hidden)
    {
        var target = Networks.Mlp(inputs, hidden, 1);
        Networks.CopyParameters(source, target);
        return target;
    }

    /// <summary>
    /// Calls <paramref name="update"/> (one gradient update returning its critic loss, inside a dispose scope) until the
    /// session's budget is spent.
    /// </summary>
    public static void Run(TrainingSession session, Func<double> update)
    {
        long reportEvery = Math.Max(1, session.TotalEnvironmentSteps / 50);
        double loss = double.NaN;
        while (!session.Finished)
        {
            using (torch.NewDisposeScope())
            {
                loss = update();
            }

            session.AddSteps(1);
            if (session.EnvironmentSteps % reportEvery == 0 || session.Finished)
            {
                session.UpdatesFinished(loss);
            }
        }
    }

    /// <summary>Writes the fraction of the remainder each state's action trades (<see cref="OfflineActionScale"/>).</summary>
    public static void ToFractions(string actionScale, float[] actions, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        for (int i = 0; i < maxFraction.Length; i++)
        {
            fractionOfRemaining[i] = OfflineActionScale.ToFraction(actionScale, actions[i], maxFraction[i], decisionIndex, steps);
        }
    }
}
