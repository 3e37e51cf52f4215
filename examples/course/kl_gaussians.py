"""The KL divergence between two univariate Gaussians, and its gradient (a VAE's regulariser)."""

import numpy as np

from problems.authoring import Mistake, Part, Problem

PROBLEMS = [
    Problem(
        id="kl-gaussians",
        title="KL divergence between two Gaussians and its gradient",
        family="probability",
        statement=r"""
For $q = \mathcal N(\mu_1, \sigma_1^2)$ and $p = \mathcal N(\mu_2, \sigma_2^2)$,
$$\mathrm{KL}(q \,\|\, p) = \log\frac{\sigma_2}{\sigma_1}
  + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2 \sigma_2^2} - \frac12 .$$

Take $\mu_1 = {{mu1}}$, $\sigma_1 = {{sigma1}}$, $\mu_2 = {{mu2}}$, $\sigma_2 = {{sigma2}}$.
Give the KL divergence, then $\partial \mathrm{KL}/\partial \mu_1$ and
$\partial \mathrm{KL}/\partial \sigma_1$.
""",
        parts=(
            Part("kl", "number", "KL(q ‖ p)",
                 mistakes=(Mistake(lambda mu1, sigma1, mu2, sigma2: np.log(sigma1 / sigma2)
                                   + (sigma2 ** 2 + (mu1 - mu2) ** 2) / (2 * sigma1 ** 2) - 0.5,
                                   "That is KL(p ‖ q): the divergence is not symmetric."),)),
            Part("dkl_dmu1", "number", "∂KL/∂μ1", derivative_of=("kl", "mu1")),
            Part("dkl_dsigma1", "number", "∂KL/∂σ1", derivative_of=("kl", "sigma1"),
                 mistakes=(Mistake(lambda sigma1, sigma2: sigma1 / sigma2 ** 2,
                                   "log(σ2/σ1) depends on σ1 too: add its derivative −1/σ1."),)),
        ),
        default=dict(mu1=0.5, sigma1=0.8, mu2=0.0, sigma2=1.0),
        steps=dict(
            kl=lambda mu1, sigma1, mu2, sigma2: (np.log(sigma2 / sigma1)
                                                 + (sigma1 ** 2 + (mu1 - mu2) ** 2) / (2 * sigma2 ** 2) - 0.5),
            dkl_dmu1=lambda mu1, mu2, sigma2: (mu1 - mu2) / sigma2 ** 2,
            dkl_dsigma1=lambda sigma1, sigma2: -1 / sigma1 + sigma1 / sigma2 ** 2,
        ),
        random=lambda rng: dict(mu1=float(rng.choice([-1.5, -1, -0.5, 0.5, 1, 1.5])),
                                sigma1=float(rng.choice([0.5, 0.8, 1.2, 1.5, 2.0])),
                                mu2=float(rng.choice([-1, 0, 1])), sigma2=float(rng.choice([0.5, 1.0, 2.0]))),
        valid=lambda v: abs(v.dkl_dmu1) > 0.1 and abs(v.dkl_dsigma1) > 0.1 and v.sigma1 != v.sigma2,
    ),
]
