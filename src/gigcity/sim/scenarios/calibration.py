"""Every number the Putuo scenarios are built from, with where it comes from.

`[fact]` values come from ../shared/data/putuo/delivery-facts.md (source and year given
there); everything marked `assumption` is ours and is what a negotiator should challenge
first. Times are minutes (`_min`) or seconds (`_s`), distances metres, weights grams.
"""

from __future__ import annotations

# -- demand ----------------------------------------------------------------------------
# [fact] national average ~0.057 orders per person per day x 1,239,800 residents ~ 70,000
# a day for Putuo (arithmetic from published figures, not itself a source).
PUTUO_ORDERS_PER_DAY = 70_000
# [fact] light rain: +20-60 % orders over the monthly average (Ele.me, 2015); we take the
# middle, 1.4. assumption: a weekend day has 10 % more orders than a weekday.
DEMAND_FACTOR = {"weekday": 1.0, "weekend": 1.1, "rainy": 1.4}
# Relative orders per hour of the day, 06:00-23:00 (18 hours). [fact] peaks 12:00-14:00 and
# 18:00-20:00 (China New Employment Form Research Center, 2023); 21:00-22:00 carries ~40 % of
# late-night orders (Meituan, 2019). assumption: the shape between and around the peaks.
HOURLY_PROFILE = {
    "weekday": (0.8, 2, 2.5, 2, 3, 6, 12, 12, 6, 3, 3, 5, 11, 11, 6, 4, 2.5, 1.5),
    "weekend": (0.5, 1.5, 2.5, 3, 4, 7, 12, 12, 7, 5, 4.5, 6, 11, 11, 7, 4.5, 3, 2),
    "rainy": (0.8, 2, 2.5, 2.5, 3.5, 6.5, 12, 12, 7, 4, 4, 6, 12, 12, 7, 4.5, 3, 2),
}
FIRST_HOUR = 6
# [fact] non-food is ~15-20 % of orders on peak days (yesky, 2025); assumption: 18 % every day.
NON_FOOD_SHARE = 0.18
# assumption: an office's orders come at weekday lunch; an estate's all day.
OFFICE_LUNCH_WEIGHT = 4.0
OFFICE_OTHER_WEIGHT = 0.25

# -- geography -------------------------------------------------------------------------
# [fact] 10 sub-districts (8 streets + 2 towns). assumption: orders per sub-district equal;
# a scenario of N orders covers ceil(N / 7000) of them, most central first.
ORDERS_PER_AREA = 7_000
AREA_ORDER = (
    "changshou-road",
    "caoyang-xincun",
    "zhenru",
    "shiquan-road",
    "changfeng-xincun",
    "yichuan-road",
    "ganquan-road",
    "wanli",
    "changzheng",
    "taopu",
)
# assumption: one estate (a residential compound or office block) per 40 orders a day.
ORDERS_PER_ESTATE = 40
# assumption: share of estates of each kind; the 1950s "xincun" workers' estates have more
# walk-ups. [fact] typical Shanghai walk-ups have 6-7 storeys (housing authority, 2018).
ESTATE_MIX = {  # walkup, complex, highrise, office
    "xincun": (0.45, 0.15, 0.30, 0.10),
    "street": (0.30, 0.20, 0.35, 0.15),
    "town": (0.20, 0.25, 0.40, 0.15),
}
WALKUP_STOREYS = (6, 7)
# assumption: 5 % of walk-ups delivered to have a retrofitted lift ([fact] Putuo: 603
# retrofits completed by Aug 2023 of 1,556 signed; the number of walk-ups is not published).
RETROFITTED_LIFT_SHARE = 0.05
HIGHRISE_FLOORS = (8, 33)
# assumption: a lift is out of order on 0.5 % of deliveries to buildings with lifts.
LIFT_OUT_OF_ORDER_SHARE = 0.005
ESTATE_SPREAD_M = 60.0  # assumption: customers within ~60 m of the estate's centre

# -- merchants -------------------------------------------------------------------------
ORDERS_PER_MERCHANT = 25  # assumption: a merchant has 25 delivery orders a day on average
# assumption: commercial centres per sub-district (2 + one per 150 merchants, at most 6);
# 70 % of merchants within ~250 m of one, the rest along streets anywhere.
CLUSTER_SHARE = 0.70
CLUSTER_SPREAD_M = 250.0
# assumption: the first commercial centre of each sub-district is a mall; 60 % of the
# merchants in that centre are inside it. Malls without rider infrastructure cost 4 min at
# pickup (lifts, parking far away); the sub-district's mall with a 24 h rider station,
# e-bike parking and pickup lifts ([fact] 中海真如环宇城MAX, Shiquan Road) costs nothing.
MALL_SHARE_OF_CENTRE = 0.60
MALL_PICKUP_EXTRA_S = 240
MALL_WITH_RIDER_STATION = "shiquan-road"
# assumption: customers choose merchants with weight exp(-d / 700 m) x popularity, up to
# 4 km away: the mean street distance from merchant to door is ~1.4 km within one
# sub-district and ~1.75 km over the whole district. [fact] The mean riding radius is
# 2.39 km (Changsha, 2023), but that is a rider's whole ride; and the dispatcher here
# combines orders of one merchant only, so at 2.39 km per order 21 orders a rider-day
# (below) cannot be served (tried: 5 % of a full day undelivered, click-to-door 39 min).
CHOICE_DECAY_M = 700.0
CHOICE_MAX_M = 4000.0
# assumption: preparation time, log-normal: food median 12 min, non-food 6 min.
PREP_MEDIAN_MIN = {"food": 12.0, "non_food": 6.0}
PREP_SIGMA = 0.35
# assumption: 15 % of food orders are late from the kitchen by 3-15 min; a preparation-time
# model ([fact] predicted prep time enters dispatch, NAT-2025) predicts ~70 % of the delay.
MERCHANT_DELAY_SHARE = 0.15
MERCHANT_DELAY_MIN = (3, 15)
PREDICTED_DELAY_SHARE = 0.7

# -- orders ----------------------------------------------------------------------------
# assumption: weights log-normal, food median 0.9 kg, non-food 2.5 kg, capped at 30 kg.
WEIGHT_MEDIAN_G = {"food": 900.0, "non_food": 2500.0}
WEIGHT_SIGMA = {"food": 0.6, "non_food": 0.9}
WEIGHT_CAP_G = 30_000
BULKY_SHARE = {"food": 0.01, "non_food": 0.12}  # assumption
UNREACHABLE_SHARE = 0.015  # assumption: the customer cannot be reached at once

# -- service times beyond the MDRP's ---------------------------------------------------
PICKUP_SERVICE_MIN = 2  # assumption: at the counter (MDRP needs an even number)
DROPOFF_SERVICE_MIN = 2  # assumption: at the door
PER_FLOOR_UP_S = 15  # assumption: climbing a storey with the order
PER_FLOOR_DOWN_S = 8  # assumption
OLD_ESTATE_S = 60  # assumption: finding the building in an old estate
LARGE_COMPLEX_S = 90  # assumption: gate, walk to the tower, lift wait
UNREACHABLE_S = 300  # assumption: waiting for a customer who does not answer

# -- travel ----------------------------------------------------------------------------
# [fact] measured mean e-bike speed 17.1 km/h (Hangzhou, 2015), taken as moving speed.
EBIKE_SPEED_M_PER_MIN = 17_100 / 60
ROUTE_FACTOR = 1.3  # assumption: street distance per straight-line metre
# [fact] arterial signal cycles ~120-135 s (Beijing, 2019). assumption: 1.5 signalised
# junctions per street km and half the cycle red: 60^2 / (2 x 120) = 15 s expected wait each.
SIGNAL_S_PER_KM = 22.5
RAIN_SPEED_FACTOR = 0.9  # assumption: 10 % slower all day in rain
# assumption: on a rainy day a weather alert 16:00-20:00 slows riders by a further 20 %.
# [fact] rainstorm: 40-min promises became 50-60 min (Beijing, 2023).
RAIN_ALERT = (16 * 60, 20 * 60, "rainstorm-blue", 0.8)
# assumption: temporary traffic-control closures a day per covered sub-district.
CLOSURES_PER_AREA = {"weekday": 0.6, "weekend": 0.4, "rainy": 0.8}
CLOSURE_RADIUS_M = (150.0, 400.0)
CLOSURE_MINUTES = (60, 240)
CLOSURE_DELAY_S = 60

# -- riders ----------------------------------------------------------------------------
# [fact] 21-30 orders per rider-day typical (2018-2019 reports). We take the low end, 21:
# the dispatcher combines orders of one merchant only, so a rider carries fewer at once.
ORDERS_PER_RIDER = 21
RAIN_EXTRA_RIDERS = 1.1  # assumption: 10 % more riders come online on a rainy day
# [fact] 60.6 % full-time vs 39.4 % crowdsourced (2020). assumption: a sixth of the
# crowdsourced work part-time (48 % of Meituan riders take orders on < 30 days a year).
RIDER_MIX = {"full_time": 0.60, "crowdsourced": 0.28, "part_time": 0.12}
# [fact] 46.5 % ride > 8 h/day (2021), average 9.1 h/day (2019); Meituan pilot incl. Shanghai
# 5.2-6.2 h/day on average (Dec 2024). assumption: full-time riders work 7.5-11.5 h, 70 % from
# 08:30-10:30 and 30 % from 12:00-14:00; crowdsourced riders 5-9 h, 45 % from 06:00-11:00
# and 55 % from 16:00-19:00 (the evening is covered); part-time riders 3-5 h round one peak.
# Shifts may run to 01:00 so the last orders get delivered.
FULL_TIME_SHIFTS = (  # (share, start range in minutes, hours range)
    (0.7, (8 * 60 + 30, 10 * 60 + 30), (7.5, 11.5)),
    (0.3, (12 * 60, 14 * 60), (7.5, 11.5)),
)
CROWDSOURCED_SHIFTS = (
    (0.45, (6 * 60, 11 * 60), (5.0, 9.0)),
    (0.55, (16 * 60, 19 * 60), (5.0, 8.0)),
)
PART_TIME_SHIFTS = (
    (0.5, (10 * 60 + 30, 11 * 60 + 30), (3.0, 5.0)),
    (0.5, (17 * 60, 18 * 60), (3.0, 5.0)),
)
LATEST_SHIFT_END_MIN = 25 * 60
# assumption: share of riders whose 7th consecutive working day this is (a weekly rest day
# is due under [fact] WT-2025's one rest day a week), by kind.
REST_DAY_DUE_SHARE = {"full_time": 0.05, "crowdsourced": 0.03, "part_time": 0.0}
CONFIRMS_OVERTIME_SHARE = 0.5  # assumption: half would confirm work beyond 8 h if asked

# -- money (the MDRP parameter file) -----------------------------------------------------
TARGET_CLICK_TO_DOOR_MIN = 40  # [fact] promises of 30-50 min within 3 km (2021)
MAX_CLICK_TO_DOOR_MIN = 60
PAY_PER_ORDER_FEN = 700  # the baseline's flat ¥7 (an assumption of that rulebook)
GUARANTEED_PER_HOUR_FEN = 2500  # [fact] ¥25/h (SH-2025)

# -- a giant estate (scenario putuo-estate; issue 15) ------------------------------------
# assumption: the share of a day's orders addressed into the sample giant estate (about a
# hundred buildings, ~20,000 residents, about a sixth of a sub-district); the orders nearest
# the estate are the ones moved into it, so their merchants stay plausible.
ESTATE_ORDER_SHARE = 0.15
# assumption: without a guide a rider loses time finding the building inside a giant estate,
# log-normal with median 4 min and 99th percentile 30 min, capped at 45 min. No published
# figure (delivery-facts.md has none); the tail is the complaint "finding a door can take
# 30 min" (WSJ via urbanfreightlab.com, anchors-for-new-services.md section 2), the median
# ours. With the guide the rider walks the guide's route from the guide's best gate.
ESTATE_SEARCH_MEDIAN_S = 240.0
ESTATE_SEARCH_P99_S = 1800.0
ESTATE_SEARCH_CAP_S = 2700.0
# assumption: without a guide riders ride to the gate a map app stops at, the estate's
# first gate (its main gate): "map apps stop at the gate" (anchors section 2).
# assumption: share of estate addresses that consented to relay (a parameter of the run).
RELAY_CONSENT_SHARE = 0.6
# assumption: relay is offered for orders placed 09:00-21:00; community couriers cover
# 09:00-22:30: one full-time community rider all day, part-time couriers (aunties, young
# mothers) in three blocks (lunch, afternoon, dinner): each block staffed for its busiest
# hour, as many couriers as that hour's items need at RELAY_STAFFED_ITEMS_PER_WALK items a
# walk there and back, at least one part-timer per block.
RELAY_HOURS_MIN = (9 * 60, 21 * 60)
RELAY_FULL_TIME_MIN = (9 * 60, 22 * 60 + 30)
RELAY_PART_TIME_MIN = ((10 * 60 + 30, 14 * 60), (14 * 60, 17 * 60), (17 * 60, 21 * 60 + 30))
RELAY_STAFFED_ITEMS_PER_WALK = 1.0
# Walking inside the estate (riders and couriers) follows the guide's walk graph at the
# guide's pace (gigcity.geo.estates.wayfinding.WALK_MPS, 1.2 m/s with a bag: an assumption).
# assumption: a courier's handover at the door (ring, wait, hand over), before stairs.
COURIER_HANDOVER_S = 60
