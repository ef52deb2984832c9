"""95% intervals for rates: every rate shown beside its sample carries one."""

from __future__ import annotations

import numpy as np

Z_95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval


def wilson_bounds(successes: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95% Wilson score interval for successes ÷ n, element-wise; NaN where n is 0.

    Unlike the plain p ± 1.96·√(p(1−p)/n), it stays within 0..1 and is honest for small n and
    for rates near 0 or 1, which is exactly where agents with few contacts sit.
    """
    k = successes.astype(float)
    total = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / total
        z2 = Z_95 * Z_95
        centre = (p + z2 / (2 * total)) / (1 + z2 / total)
        half = Z_95 * np.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    empty = total <= 0
    low = np.where(empty, np.nan, np.clip(centre - half, 0, 1))
    high = np.where(empty, np.nan, np.clip(centre + half, 0, 1))
    return low, high


def wilson_interval(successes: float, n: float) -> tuple[float | None, float | None]:
    """The 95% Wilson interval of one rate (see `wilson_bounds`); (None, None) when n is 0."""
    low, high = wilson_bounds(np.array([successes]), np.array([n]))
    if np.isnan(low[0]):
        return None, None
    return float(low[0]), float(high[0])
