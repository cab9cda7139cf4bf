using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.Training;
using Xunit.Abstractions;

namespace Portal.Agents.Tests;

public sealed class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Scratch_ppo()
    {
        TorchSharp.torch.set_num_threads(1);
        TorchSharp.torch.manual_seed(1);
        var p = AlmgrenChrissParameters.DeskHour with { RiskAversion = double.Parse(System.Environment.GetEnvironmentVariable("LAMBDA") ?? "0", System.Globalization.CultureInfo.InvariantCulture) };
        var hp = new PpoHyperparameters();
        var fitEnv = new ExecutionEnvironment(new AlmgrenChrissMarket(p, 256), ObservationNormalizer.Identity);
        var rng = new Random(1);
        var samples = new List<ExecutionObservation>();
        fitEnv.Reset(123456789);
        var fr = new double[256];
        while (!fitEnv.Done) { samples.AddRange(fitEnv.RawObservations); for (int i = 0; i < 256; i++) fr[i] = rng.NextDouble() * 2.0 / (fitEnv.Decisions + 1 - fitEnv.DecisionIndex); fitEnv.Step(fr); }
        var norm = ObservationNormalizer.Fit(samples);
        var env = new ExecutionEnvironment(new AlmgrenChrissMarket(p, hp.ParallelEpisodes), norm);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var session = new TrainingSession(1, long.Parse(System.Environment.GetEnvironmentVariable("STEPS") ?? "100000"));
        using var agent = PpoAgent.Train(env, hp, session);
        output.WriteLine($"train {sw.Elapsed.TotalSeconds:F1}s steps {session.EnvironmentSteps}");
        foreach (var c in session.Curve.Where((_, i) => i % 10 == 0)) output.WriteLine($"{c.EnvironmentSteps} {c.MeanShortfallBps:F2} {c.MeanObjectiveBps:F2} {c.Loss:F3}");
        var a = PolicyEvaluation.RunAgent(agent, p, norm, 5000, 9);
        var opt = PolicyEvaluation.RunSchedule(AlmgrenChrissSolution.OptimalHoldings(p), p, 5000, 9);
        var twap = PolicyEvaluation.RunSchedule(AlmgrenChrissSolution.TwapHoldings(p), p, 5000, 9);
        output.WriteLine($"closed-form optimum {AlmgrenChrissSolution.ObjectiveBps(p, AlmgrenChrissSolution.OptimalHoldings(p)):F3} twap {AlmgrenChrissSolution.ObjectiveBps(p, AlmgrenChrissSolution.TwapHoldings(p)):F3}");
        output.WriteLine($"agent {a.ObjectiveBps.Average():F3} opt {opt.ObjectiveBps.Average():F3} twap {twap.ObjectiveBps.Average():F3} regret {PairedStatistic.Of(a.ObjectiveBps, opt.ObjectiveBps)}");
    }
}
