"""The default word lists: talk about discounts, and praise, in English, Russian, Chinese.

Discount talk: what a customer says when what they like is the price, not the product
(discounts, coupons, promo codes, free things, giveaways, cashback). Praise: words that
make an inbound mention good news worth sharing with the team even when the sentiment
scorer did not read it as strongly positive. Plain thanks ("thanks", "спасибо", "谢谢")
are not praise: customers thank for an answer to a complaint too.

Both lists are defaults; a site's rules may replace them (``AdvocatePolicy`` and
``KudosRules``). English terms match their regular inflections, Russian terms every form
of their lemma, Chinese terms where a word begins (``plugin.advocates.lexicon``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DISCOUNT_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "en": ("discount", "coupon", "promo", "promo code", "promocode", "voucher", "free",
           "freebie", "giveaway", "cashback", "rebate", "sale", "cheap", "bogo",
           "price drop"),
    "ru": ("скидка", "скидочка", "купон", "промокод", "промо код", "бесплатно",
           "бесплатный", "халява", "акция", "распродажа", "подарок", "кэшбэк", "бонус",
           "дешевый", "розыгрыш"),
    "zh": ("优惠", "优惠券", "优惠码", "折扣", "打折", "免费", "赠品", "红包", "返现", "促销",
           "包邮", "降价", "便宜", "满减", "抽奖", "福利", "券"),
})

PRAISE_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "en": ("love", "awesome", "amazing", "excellent", "fantastic", "wonderful", "outstanding",
           "brilliant", "great job", "great service", "well done", "kudos", "recommend",
           "best", "impressed", "superb", "thank you so much"),
    "ru": ("отлично", "отличный", "супер", "молодец", "рекомендовать", "восторг",
           "великолепный", "прекрасный", "лучший", "спасибо большое", "огромное спасибо",
           "восхитительный", "замечательный"),
    "zh": ("太棒", "很棒", "真棒", "推荐", "强烈推荐", "点赞", "优秀", "完美", "满意", "赞",
           "感谢你们", "好评", "专业"),
})
