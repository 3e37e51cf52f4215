"""Xavier and He initialisation: the weight variances that keep activations' scale."""

from problems.authoring import EXACT, Mistake, Part, Problem

PROBLEMS = [
    Problem(
        id="init-variances",
        title="Xavier/Glorot and He initialisation variances",
        family="initialisation",
        statement=r"""
A fully connected layer has $n_{\text{in}} = {{fan_in}}$ inputs and $n_{\text{out}} = {{fan_out}}$
outputs. Give the variance of its weights under

1. Xavier/Glorot initialisation, $\operatorname{Var}(W) = 2 / (n_{\text{in}} + n_{\text{out}})$;
2. He initialisation for ReLU, $\operatorname{Var}(W) = 2 / n_{\text{in}}$;
3. and the bound $a$ of the uniform Xavier draw $W \sim U(-a, a)$, whose variance is $a^2/3$.

Exact values (fractions are fine).
""",
        parts=(
            Part("xavier", "number", "Var(W), Xavier", tolerance=EXACT,
                 mistakes=(Mistake(lambda fan_in, fan_out: 1 / (fan_in + fan_out),
                                   "Glorot's variance averages fan-in and fan-out: 2/(n_in + n_out)."),)),
            Part("he", "number", "Var(W), He", tolerance=EXACT,
                 mistakes=(Mistake(lambda fan_in: 1 / fan_in,
                                   "1/n_in is LeCun's; ReLU zeroes half the inputs, so He doubles it."),)),
            Part("uniform_bound", "number", "a of U(−a, a), Xavier", tolerance=EXACT,
                 mistakes=(Mistake(lambda xavier: xavier ** 0.5,
                                   "√Var is the standard deviation; U(−a, a) has variance a²/3, "
                                   "so a = √(3·Var)."),)),
        ),
        default=dict(fan_in=256, fan_out=128),
        steps=dict(
            xavier=lambda fan_in, fan_out: 2 / (fan_in + fan_out),
            he=lambda fan_in: 2 / fan_in,
            uniform_bound=lambda xavier: (3 * xavier) ** 0.5,
        ),
        random=lambda rng: dict(fan_in=int(rng.choice([32, 64, 100, 128, 256, 300, 512])),
                                fan_out=int(rng.choice([10, 16, 32, 64, 128, 200]))),
        valid=lambda v: v.fan_in != v.fan_out,
    ),
]
