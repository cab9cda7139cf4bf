using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Common;

/// <summary>Generalised advantage estimation, vectorised over parallel episodes.</summary>
/// <remarks>Schulman et al. (2016), "High-dimensional continuous control using generalized advantage estimation", eq. (16):
/// Â_t = Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γV(s_{t+1})(1 − done_t) − V(s_t), computed by the backward recursion
/// Â_t = δ_t + γλ(1 − done_t)Â_{t+1}; returns are Â_t + V(s_t).</remarks>
public static class Gae
{
    /// <summary>
    /// Advantages and returns for rewards, values and dones of shape <c>[T, E]</c> and bootstrap values of shape <c>[E]</c>
    /// (the value of the state after the last step; ignored where <c>done</c> is 1).
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Compute(Tensor rewards, Tensor values, Tensor dones, Tensor lastValues, double gamma, double lambda)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(dones);
        ArgumentNullException.ThrowIfNull(lastValues);
        long steps = rewards.shape[0];
        using var scope = torch.NewDisposeScope();
        var advantages = torch.zeros_like(rewards);
        var next = torch.zeros_like(lastValues);
        var nextValue = lastValues;
        for (long t = steps - 1; t >= 0; t--)
        {
            var notDone = 1 - dones[t];
            var delta = rewards[t] + gamma * nextValue * notDone - values[t];
            next = delta + gamma * lambda * notDone * next;
            advantages[t] = next;
            nextValue = values[t];
        }

        var returns = advantages + values;
        return (advantages.MoveToOuterDisposeScope(), returns.MoveToOuterDisposeScope());
    }
}
