using Portal.Domain.Scenarios;

namespace Portal.Web.Features;

/// <summary>
/// The temporary and permanent impact coefficients a run report's parameter table has always shown, read from the model
/// that owns them: η and γ of Almgren–Chriss and of the power law. Models without such a coefficient give NaN rather than
/// another model's value. <see cref="ImpactSpec.Parameters"/> lists every parameter of the model with its symbol.
/// </summary>
public static class ImpactReportFields
{
    extension(ImpactSpec impact)
    {
        /// <summary>The model's temporary impact coefficient η (Almgren–Chriss, power law), or NaN.</summary>
        public double Eta => impact switch
        {
            AlmgrenChrissImpactSpec ac => ac.Eta,
            PowerLawImpactSpec pl => pl.Eta,
            _ => double.NaN,
        };

        /// <summary>The model's permanent impact coefficient γ (Almgren–Chriss, power law), or NaN.</summary>
        public double Gamma => impact switch
        {
            AlmgrenChrissImpactSpec ac => ac.Gamma,
            PowerLawImpactSpec pl => pl.Gamma,
            _ => double.NaN,
        };
    }
}
