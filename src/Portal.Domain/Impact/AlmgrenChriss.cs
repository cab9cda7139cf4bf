namespace Portal.Domain.Impact;

/// <summary>Closed forms of the Almgren–Chriss model: optimal trajectory, expected cost and variance.</summary>
/// <remarks>Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2), 5–39, section 2–3.
/// Holdings x_k after the k-th of N trades, n_k = x_(k−1) − x_k, τ = T/N. Expected cost (eq. for E(x) with linear impact):
/// <c>E = ½γX² + ε·Σ|n_k| + (η̃/τ)·Σ n_k²</c>, <c>η̃ = η − ½γτ</c>; variance <c>V = σ²·Σ_(k=1..N) τ·x_k²</c>.
/// Optimal holdings for risk aversion λ: <c>x_j = X·sinh(κ(T − t_j))/sinh(κT)</c> with κ solving
/// <c>(2/τ²)(cosh(κτ) − 1) = λσ²/η̃</c>. Units: σ in currency per share per day^½, η in currency·day/share², γ and ε as in
/// <see cref="Scenarios.ImpactSpec"/>, λ per unit of currency.</remarks>
public static class AlmgrenChriss
{
    /// <summary>The discrete-time urgency κ (per day) for risk aversion λ.</summary>
    public static double Kappa(double lambda, double sigma, double eta, double gamma, double tau)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lambda);
        ArgumentOutOfRangeException.ThrowIfNegative(sigma);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tau);
        double etaTilde = eta - 0.5 * gamma * tau;
        if (lambda == 0 || sigma == 0) return 0;
        if (!(etaTilde > 0))
            throw new ArgumentOutOfRangeException(nameof(eta), eta, $"η − γτ/2 must be positive for a finite urgency; it is {etaTilde:G6}.");
        double kappaTilde2 = lambda * sigma * sigma / etaTilde;
        return Math.Acosh(1 + 0.5 * kappaTilde2 * tau * tau) / tau;
    }

    /// <summary>Optimal holdings x_0 = X, …, x_N = 0 at times t_j = jτ.</summary>
    public static double[] Holdings(double quantity, double kappa, double horizon, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfNegative(kappa);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var x = new double[steps + 1];
        double tau = horizon / steps;
        double kT = kappa * horizon;
        for (int j = 0; j <= steps; j++)
        {
            double t = j * tau;
            x[j] = kT < 1e-12
                ? quantity * (1 - (double)j / steps)
                : quantity * Math.Sinh(kappa * (horizon - t)) / Math.Sinh(kT);
        }

        x[steps] = 0;
        return x;
    }

    /// <summary>Expected cost E of a trajectory (currency).</summary>
    public static double ExpectedCost(ReadOnlySpan<double> holdings, double epsilon, double eta, double gamma, double tau)
    {
        double x0 = holdings[0];
        double etaTilde = eta - 0.5 * gamma * tau;
        double abs = 0, sq = 0;
        for (int k = 1; k < holdings.Length; k++)
        {
            double n = holdings[k - 1] - holdings[k];
            abs += Math.Abs(n);
            sq += n * n;
        }

        return 0.5 * gamma * x0 * x0 + epsilon * abs + etaTilde / tau * sq;
    }

    /// <summary>Variance V of the cost of a trajectory (currency²).</summary>
    public static double Variance(ReadOnlySpan<double> holdings, double sigma, double tau)
    {
        double s = 0;
        for (int k = 1; k < holdings.Length; k++) s += holdings[k] * holdings[k];
        return sigma * sigma * tau * s;
    }
}
