# ruff: noqa: RUF001 - Cyrillic text is the test data
"""What the day's customers write, by what they mean (English, Russian, Chinese, emoji).

Each pool is written for one reading, and the scenario asserts that the real scorer and
rules read it so: praise is positive and names no discount, discount talk is positive and
names one, complaints are negative and hold a complaint keyword, questions are neutral
and end in a question mark, chatter is neither negative nor a question. A pool that stops
reading that way (a new lexicon, new keywords) fails the scenario by name instead of
shifting its figures silently.
"""

from __future__ import annotations

PRAISE_EN = (
    "Love this jacket, the quality is amazing! 😍",
    "Second trip with it and it still looks brand new. Excellent work!",
    "Your support team is fantastic, thank you so much 🙏",
    "Best outdoor gear I have ever owned, highly recommend",
    "Wonderful boots, my feet are happy all day 👍",
    "The new tent is brilliant, well done team!",
    "Great service again, really impressed 🌟",
)
PRAISE_RU = (
    "Отличная палатка, очень довольна! 👍",
    "Прекрасный сервис, всем рекомендую 😊",
    "Замечательная куртка, тёплая и лёгкая",
    "Супер, лучший магазин снаряжения!",
    "Спасибо большое, всё пришло быстро и аккуратно",
)
PRAISE_ZH = (
    "质量很好，非常满意！👍",
    "客服很专业，太棒了",
    "强烈推荐，真的很好用 😊",
    "包装完美，物流也快，好评！",
)
DISCOUNT = (
    "Love your discount codes, best coupon ever 😍",
    "Great sale today, got a discount on two jackets, love it",
    "Amazing promo code, thanks for the free shipping 😊",
    "Happy with the cashback and the coupon, awesome deal",
)
COMPLAINTS = (
    "Refund now! The zipper is broken and support ignores me 😡",
    "Верните деньги! Палатка сломалась в первый же день 😡",
    "退款！东西坏了，太差了 😡",
    "My order never arrived, this is a scam. I want my money back 😡",
    "Ужасный сервис, заказ сломан, требую возврат 😡",
    "投诉：质量太差，鞋子坏了 😠",
)
# The wave: one post's buyers, one bad batch.
WAVE = (
    "The new boots are broken after one walk, I want a refund 😡",
    "Подошва отклеилась через день, верните деньги! 😡",
    "靴子坏了，我要退款！太差了 😡",
    "Same here, broken sole on day two. Terrible, refund please 😠",
    "Ужасное качество, ботинки сломались, требую возврат 😡",
    "质量太差了，鞋底坏了，投诉！😡",
    "Broken stitching after a week. Scam. Money back now 😡",
)
QUESTIONS = (
    "When will the winter collection be in stores?",
    "Do you ship to Kazakhstan?",
    "Когда будет новая коллекция?",
    "Есть ли доставка в Казань?",
    "冬季系列什么时候上市？",
    "请问可以寄到上海吗？",
    "Which size should I take for the hiking boots?",
    "Какой размер палатки для троих?",
)
CHATTER = (
    "Nice photo from the trip",
    "Looking forward to the weekend hike",
    "Красивое фото",
    "周末去徒步",
    "That lake looks cold 🥶",
    "Мы были там прошлым летом",
    "山上的风景真美",
    "Tagging my brother for the next trip",
    "Отличный вид с вершины 🏔️",
    "Thanks for the quick answer!",
)
MESSAGES = (
    "Hello, my parcel tracking has not updated for 3 days",
    "Здравствуйте, хочу уточнить статус заказа 4471",
    "Hi, I ordered a tent last week, please check my order",
    "您好，我的订单还没有发货",
)
PAGE_THANKS = (
    "Thank you, Emily! Enjoy the trip 🏕️",
    "Thanks for sharing! 🙌",
    "Спасибо за отзыв!",
    "谢谢您的支持！",
)
PAGE_ANSWERS = (
    "Sorry about that! We have sent you a message to sort it out.",
    "Приносим извинения, написали вам в личные сообщения.",
    "非常抱歉，我们已私信您处理。",
    "Good question: see our delivery page, we ship there in 3-5 days.",
)
PAGE_POSTS = {
    "5001": "Our spring catalogue is out 🌸",
    "5002": "Meet the new three-person tent",
    "5003": "Weekend hike report from the Alps",
    "5004": "Весенняя коллекция уже в магазинах",
    "5005": "新款冲锋衣上市",
    "5006": "The new trail boots are here 🥾",  # the wave's post
}
WAVE_POST, CALM_COMPLAINT_POSTS, CHATTER_POSTS = "5006", ("5002", "5003", "5004"), ("5001", "5005")
LINKEDIN_POSTS = ("urn:li:share:7300000000000000001", "urn:li:share:7300000000000000002",
                  "urn:li:share:7300000000000000003")
LINKEDIN_COMPLAINTS = (
    "Our team's order arrived broken, we need a refund for the whole batch",
    "Сломанные рюкзаки в корпоративном заказе, требуем возврат",
)
LINKEDIN_QUESTIONS = (
    "Do you offer corporate outfitting for expedition teams?",
    "Есть ли у вас программа для корпоративных клиентов?",
    "Can we visit the factory in spring?",
)
LINKEDIN_CHATTER = (
    "Great to see a European outdoor brand growing",
    "Congratulations on the new plant",
    "Отличная новость для отрасли",
    "Inspiring story about the design team",
    "恭喜新工厂开业",
    "Looking forward to the trade fair",
)
