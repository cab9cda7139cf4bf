using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Agents.Common;

/// <summary>Adam (Kingma &amp; Ba 2015, Algorithm 1, with PyTorch's placement of ε) whose scalar operands live until the
/// native call that reads them has returned.</summary>
/// <remarks>
/// TorchSharp's <c>optim.Adam</c> passes each scalar (β₁, 1 − β₁, β₂, 1 − β₂, √(1 − β₂ᵗ), ε, −lr/(1 − β₁ᵗ)) as a temporary
/// <see cref="Scalar"/> created by an implicit conversion. A <see cref="Scalar"/> frees its native value in a finalizer,
/// and nothing keeps the temporary reachable once its handle has been read, so a garbage collection during the native
/// call can free the value while LibTorch reads it. Under load that surfaces as
/// <c>c10::Error … toFloat … Expected false to be true</c> from <c>Adam.step</c> (LibTorch's overflow check on a freed
/// value), or as a silently wrong update. This optimizer performs the same arithmetic in the same order on the same
/// state (it is the library's <see cref="Adam"/> with <c>step</c> replaced), holding every scalar in a <c>using</c>
/// variable for the duration of the parameter's update; weight decay and <c>maximize</c> behave as in the library,
/// AMSGrad is not offered.
/// Update per parameter θ with gradient g at step t:
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// </remarks>
public sealed class AdamOptimizer : Adam
{
    public AdamOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad: false, maximize: false)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, weightDecay = options.weight_decay!.Value;
        double eps = options.eps!.Value, lr = options.LearningRate!.Value;
        bool maximize = options.maximize!.Value;
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta1 = (1.0 - beta1).ToScalar();
        using var oneMinusBeta2 = (1.0 - beta2).ToScalar();
        using var epsScalar = eps.ToScalar();
        using var weightDecayScalar = weightDecay.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (maximize)
            {
                grad = -grad;
            }

            var state = (State)_state[parameter.Handle];
            state.step++;
            double biasCorrection1 = 1.0 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1.0 - Math.Pow(beta2, state.step);
            if (weightDecay != 0.0)
            {
                grad = grad.add(parameter, weightDecayScalar);
            }

            state.exp_avg.mul_(beta1Scalar).add_(grad, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad.conj(), oneMinusBeta2);
            using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (0.0 - lr / biasCorrection1).ToScalar();
            var denominator = (state.exp_avg_sq.sqrt() / sqrtBiasCorrection2).add_(epsScalar);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
