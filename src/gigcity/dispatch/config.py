"""Tuning of the rolling-horizon dispatcher, as one small validated value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    """How the dispatcher trades click-to-door time against courier time.

    Costs are in seconds of click-to-door. A courier-second is worth `courier_value_*`
    seconds of click-to-door: little when couriers are plentiful, more when orders queue
    up. The value moves between the two as the ratio of orders needing a courier soon to
    couriers free soon goes from `load_low` to `load_high`.
    """

    epoch_s: float = 60.0
    """Time between decisions; an assignment is committed once waiting one more epoch
    would make the food wait for its courier."""
    commit_ahead_s: float = 0.0
    """Commit this long before the last moment, so a courier kept waiting is not lost to
    another order in the meantime."""
    match_window_s: float | None = 900.0
    """Only orders for which some courier must leave within this long are matched (the
    others wait without holding a courier); None: match every waiting order."""
    max_bundle: int = 3
    """Most orders of one restaurant carried in one trip."""
    bundle_ready_gap_s: float = 600.0
    """Only orders ready within this long after a bundle's pickup may join it."""
    courier_horizon_s: float = 3600.0
    """Couriers busy for longer than this are not considered."""
    pre_shift_s: float = 1800.0
    """Couriers whose shift starts within this long are matched too (as busy until then),
    so an order may wait for them; they are only committed once on shift."""
    lookahead_s: float = 600.0
    """Window used to measure load: orders ready and couriers free within it."""
    courier_value_low: float = 0.1
    courier_value_high: float = 1.5
    load_low: float = 0.5
    load_high: float = 1.5
    explain_holds: bool = True
    """Name the courier and times in the reason of every held order (the simulator, which
    does not keep holds, turns this off for speed)."""
    pay_weight_s: float = 600.0
    """Cost, in seconds, of giving an order to a courier who is ahead of the pace that
    earns their hourly guarantee (so it will likely be paid per order) rather than to one
    behind it (paid by the hour anyway). Besides saving pay, spreading work this way was
    measured to shorten click-to-door on the Grubhub instances. 0: ignore pay."""

    def __post_init__(self) -> None:
        if self.epoch_s <= 0:
            raise ValueError(f"epoch_s must be positive, got {self.epoch_s}")
        if self.max_bundle < 1:
            raise ValueError(f"max_bundle must be at least 1, got {self.max_bundle}")
        if self.bundle_ready_gap_s < 0 or self.courier_horizon_s < 0 or self.lookahead_s < 0:
            raise ValueError("bundle_ready_gap_s, courier_horizon_s and lookahead_s must be >= 0")
        if not 0 <= self.courier_value_low <= self.courier_value_high:
            raise ValueError("need 0 <= courier_value_low <= courier_value_high")
        if not 0 <= self.load_low < self.load_high:
            raise ValueError("need 0 <= load_low < load_high")
        if self.pay_weight_s < 0:
            raise ValueError(f"pay_weight_s must be >= 0, got {self.pay_weight_s}")
