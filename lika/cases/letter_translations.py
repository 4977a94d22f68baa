"""The fixed texts of the decision letter's translations into English and Arabic.

The Swedish letter is the decision (förvaltningslagen (2017:900) 32–33 §§ are met by it);
a translation is a help to read it and says so at its top.  The texts are here, not in
the gettext catalogues, because Lika's catalogues hold the user interface in Swedish
and English only, and the letter's Arabic needs a right-to-left document of its own.

The Arabic texts were written for Lika and have NOT been reviewed by a professional
translator: have them reviewed before real letters are sent (docs/casework.md).
Free text written by the case worker (reasons for a line, the reason for a change) is
not translated: it is shown in Swedish, marked as such.
"""

from lika.core.household import COST_TYPES, INCOME_TYPES

LANGUAGES = ("en", "ar")
RTL = {"ar"}

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
           "نوفمبر", "ديسمبر"),
}

# Every fixed sentence of a translation.  Placeholders in braces are filled with
# str.format; their values are escaped by the template, never the texts themselves.
TEXTS = {
    "en": {
        "title": "Decision on income support – English translation",
        "language_name": "English",
        "notice_heading": "This is a translation",
        "notice": ("This is a translation of your decision letter into English, to help you read it. "
                   "The decision is the Swedish letter, which is sent to you together with this translation. "
                   "If the Swedish letter and the translation differ, the Swedish letter applies."),
        "draft": "Draft – the decision has not been made and must not be sent",
        "date": "Date of decision",
        "reference": "Case number",
        "to": "To",
        "heading": "Decision on income support (försörjningsstöd) for {month}",
        "heading_change": "Changed decision on income support (försörjningsstöd) for {month}",
        "change": ("This decision replaces the decision of {date} on income support for {month} "
                   "(which granted {amount}). Reason for the change (in Swedish): {reason}"),
        "change_paid": ("What has already been paid for the month is deducted. Only the rest is paid; if more "
                        "has been paid than the new decision grants, we will contact you."),
        "couple": ("The decision applies to both of you. It is sent to both adults in the household, each with "
                   "their own letter: {names}."),
        "decision_heading": "Decision",
        "decision_intro": ("We have examined the application for income support for {month}. This is our "
                           "decision on each item (the Swedish name of the item is given below it):"),
        "item": "Item", "calculated": "Calculated", "granted": "Granted", "outcome": "Decision", "total": "Total",
        "reasons_heading": "Reasons",
        "reason_in_swedish": "Reason (in Swedish):",
        "legal_basis": "Legal basis:",
        "incomes_heading": "Income deducted",
        "income": "Income", "amount": "Amount",
        "incomes_total": "Income deducted",
        "no_incomes": "The household has no income that is deducted.",
        "granted_total": "Income support granted for {month}: {amount}",
        "refused": ("The application is refused in full. The reasons are given in the decision and the reasons "
                    "above. A refusal does not prevent you from applying again."),
        "payment_heading": "Payment",
        "to_you": "To you", "to_person": "To {name}", "direct_to": "Directly to {payee}",
        "payday_planned": "Payment date: {date}.",
        "payday_estimated": ("Expected payment date: {date} (the day the municipality pays income support for "
                             "the month)."),
        "account": "Your share is paid to your {account}.",
        "account_iban": "account (IBAN) ending in {digits}",
        "account_bank": "bank account ending in {digits}",
        "avi": ("Your share is paid by a payment order (utbetalningsavi) that the bank sends you by post. You "
                "cash it at a bank office or an agent, showing identification."),
        "no_account": ("You have no bank account registered with us. Your share is held and paid when you have "
                       "registered an account: contact your case worker."),
        "direct_first": ("What is paid directly to a payee is paid first, at your request. The rest is paid to "
                         "you."),
        "equal": "The support is split equally between you and paid to each person's own account.",
        "equal_odd": ("When the amount cannot be split equally to the öre, the remaining öre goes to each of you "
                      "every other month."),
        "own_account": "The support is paid to your own account.",
        "nothing_paid": "No payment is made to you.",
        "single_me": ("The support is paid only to you, not split between you, because there are special "
                      "reasons. This applies until {date} and will then be reviewed."),
        "single_other": ("The support is paid to one of you, not split between you, because there are special "
                         "reasons. The reasons are not given in this letter."),
        "law_heading": "Legal basis",
        "law_intro": "The decision was made under the Social Services Act (socialtjänstlagen). It is based on:",
        "reasons_rule": ("Under section 32 of the Administrative Procedure Act (2017:900) the decision must give "
                         "its reasons. They are given above: the items and amounts that were granted or refused, "
                         "the income deducted and the provisions applied."),
        "appeal_heading": "How to appeal",
        "appeal_right": "If you are not satisfied with the decision, you can appeal against it.",
        "appeal_each": "Each of you can appeal.",
        "appeal_time": ("The appeal must be in writing and must have reached the municipality within three weeks "
                        "of the day you received the decision."),
        "appeal_where": "Send the appeal to the municipality, not to the court: {address}.",
        "appeal_what": ("Write which decision you are appealing against (date of decision {date}, case number "
                        "{reference}), what change you want and why. Sign the appeal and write your name."),
        "appeal_next": ("The municipality first considers whether to change the decision. If it does not change "
                        "the decision as you ask, it sends your appeal on to the administrative court "
                        "(förvaltningsrätten), which examines it."),
        "appeal_help": "Your case worker can help you to appeal.",
        "appeal_law": ("The decision can be appealed under {provision}. The time limit and procedure follow from "
                       "sections 43–46 of the Administrative Procedure Act, förvaltningslagen (2017:900)."),
        "support_heading": "Support if you are exposed to violence",
        "support": ("If you or someone in your family is exposed to violence, threats or financial abuse, for "
                    "example someone taking your money or deciding over it, you can get support. You can remain "
                    "anonymous."),
        "emergency": "In an emergency: call 112.",
        "contact_heading": "Questions about the decision",
        "case_worker": "Your case worker: {name}, {unit}",
        "phone": "Telephone: {phone}",
        "email": "E-mail: {email}",
        "decided_by": "The decision was made by",
        "outcomes": {"granted": "Granted", "partly": "Partly granted", "refused": "Refused"},
        "labels": {
            "riksnorm.adults.single": "Personal costs, single adult",
            "riksnorm.adults.cohabiting": "Personal costs, married or cohabiting couple",
            "riksnorm.household": "Common household costs",
            "riksnorm": "Personal costs, child or young person",
            "jobbstimulans": "Job incentive: part of the income from work that is not deducted",
            **{f"cost.{key}": value for key, value in {
                "housing": "Housing cost", "electricity": "Household electricity", "home_insurance": "Home insurance",
                "work_travel": "Travel to work", "union_fees": "Trade union and unemployment fund fees",
                "childcare": "Childcare fee", "medical": "Medical care and medicine", "dental": "Dental care",
                "other": "Other costs"}.items()},
            **{f"income.{key}": value for key, value in {
                "salary": "Salary", "unemployment_benefit": "Unemployment benefit",
                "activity_support": "Activity support", "establishment_allowance": "Establishment allowance",
                "sickness_benefit": "Sickness benefit", "activity_compensation": "Sickness or activity compensation",
                "parental_benefit": "Parental benefit", "child_allowance": "Child allowance",
                "housing_allowance": "Housing allowance", "maintenance_support": "Maintenance support",
                "pension": "Pension", "student_aid": "Student aid", "tax_refund": "Tax refund",
                "other": "Other income"}.items()},
        },
    },
    "ar": {
        "title": "قرار بشأن المساعدة المعيشية – ترجمة إلى اللغة العربية",
        "language_name": "العربية",
        "notice_heading": "هذه ترجمة",
        "notice": ("هذه ترجمة لرسالة القرار الخاصة بك إلى اللغة العربية لمساعدتك على فهمها. "
                   "القرار هو الرسالة المكتوبة باللغة السويدية، والتي تُرسل إليك مع هذه الترجمة. "
                   "إذا كان هناك اختلاف بين الرسالة السويدية والترجمة، فإن الرسالة السويدية هي المعتمدة."),
        "draft": "مسودة – لم يُتخذ القرار بعد ولا يجوز إرسالها",
        "date": "تاريخ القرار",
        "reference": "رقم الملف",
        "to": "إلى",
        "heading": "قرار بشأن المساعدة المعيشية (försörjningsstöd) لشهر {month}",
        "heading_change": "قرار معدَّل بشأن المساعدة المعيشية (försörjningsstöd) لشهر {month}",
        "change": ("يحلّ هذا القرار محلّ القرار الصادر بتاريخ {date} بشأن المساعدة المعيشية لشهر {month} "
                   "(والذي مُنح فيه مبلغ {amount}). سبب التعديل (باللغة السويدية): {reason}"),
        "change_paid": ("يُخصم ما سبق دفعه عن هذا الشهر، ولا يُدفع إلا المبلغ المتبقي. وإذا كان المبلغ المدفوع أكبر "
                        "مما يمنحه القرار الجديد، فسنتواصل معكم."),
        "couple": ("يشملكما هذا القرار معاً. يُرسل القرار إلى كل من البالغَين في الأسرة، ولكل منهما رسالته "
                   "الخاصة: {names}."),
        "decision_heading": "القرار",
        "decision_intro": ("لقد درسنا طلب المساعدة المعيشية لشهر {month}. وهذا قرارنا بشأن كل بند (الاسم السويدي "
                           "للبند مذكور تحته):"),
        "item": "البند", "calculated": "المبلغ المحسوب", "granted": "المبلغ الممنوح", "outcome": "القرار",
        "total": "المجموع",
        "reasons_heading": "الأسباب",
        "reason_in_swedish": "السبب (باللغة السويدية):",
        "legal_basis": "السند القانوني:",
        "incomes_heading": "الدخل الذي يُخصم",
        "income": "الدخل", "amount": "المبلغ",
        "incomes_total": "الدخل الذي يُخصم",
        "no_incomes": "لا يوجد لدى الأسرة دخل يُخصم.",
        "granted_total": "المساعدة المعيشية الممنوحة لشهر {month}: {amount}",
        "refused": ("رُفض الطلب بالكامل. الأسباب مذكورة في القرار وفي الأسباب أعلاه. ولا يمنعك الرفض من تقديم "
                    "طلب جديد."),
        "payment_heading": "الدفع",
        "to_you": "إليك", "to_person": "إلى {name}", "direct_to": "مباشرة إلى {payee}",
        "payday_planned": "تاريخ الدفع: {date}.",
        "payday_estimated": "تاريخ الدفع المتوقع: {date} (اليوم الذي تدفع فيه البلدية المساعدة المعيشية عن هذا الشهر).",
        "account": "تُدفع حصتك إلى {account}.",
        "account_iban": "حسابك (IBAN) الذي ينتهي بالأرقام {digits}",
        "account_bank": "حسابك المصرفي الذي ينتهي بالأرقام {digits}",
        "avi": ("تُدفع حصتك بحوالة دفع (utbetalningsavi) يرسلها المصرف إليك بالبريد. تصرفها في أحد فروع "
                "المصرف أو لدى وكيل معتمد مع إبراز وثيقة إثبات الهوية."),
        "no_account": ("ليس لديك حساب مصرفي مسجّل لدينا. ستُحجز حصتك وتُدفع عندما تسجّل حساباً: تواصل مع "
                       "الموظف المسؤول عن ملفك."),
        "direct_first": "ما يُدفع مباشرة إلى جهة ما يُدفع أولاً بناءً على طلبكم. ويُدفع الباقي إليكم.",
        "equal": "تُقسم المساعدة بالتساوي بينكما وتُدفع إلى الحساب الخاص بكل منكما.",
        "equal_odd": ("عندما لا يمكن تقسيم المبلغ بالتساوي حتى آخر أوره (öre)، يحصل كل منكما على الأوره المتبقي "
                      "بالتناوب كل شهرين."),
        "own_account": "تُدفع المساعدة إلى حسابك الخاص.",
        "nothing_paid": "لن يُدفع لكم أي مبلغ.",
        "single_me": ("تُدفع المساعدة إليك وحدك، دون تقسيمها بينكما، لوجود أسباب خاصة. ويسري ذلك حتى {date} "
                      "ثم تُعاد دراسته."),
        "single_other": ("تُدفع المساعدة إلى أحدكما، دون تقسيمها بينكما، لوجود أسباب خاصة. ولا تُذكر هذه "
                         "الأسباب في هذه الرسالة."),
        "law_heading": "السند القانوني",
        "law_intro": "اتُّخذ القرار وفقاً لقانون الخدمات الاجتماعية (socialtjänstlagen). ويستند إلى:",
        "reasons_rule": ("وفقاً للمادة 32 من قانون الإجراءات الإدارية رقم 2017:900 يجب أن يكون القرار مسبَّباً. "
                         "والأسباب مذكورة أعلاه: البنود والمبالغ التي مُنحت أو رُفضت، والدخل الذي خُصم، والأحكام "
                         "القانونية التي طُبّقت."),
        "appeal_heading": "كيفية الطعن في القرار",
        "appeal_right": "إذا لم تكن راضياً عن القرار، يمكنك الطعن فيه.",
        "appeal_each": "يحق لكل منكما الطعن.",
        "appeal_time": "يجب أن يكون الطعن مكتوباً، وأن يصل إلى البلدية خلال ثلاثة أسابيع من اليوم الذي استلمت فيه القرار.",
        "appeal_where": "أرسل الطعن إلى البلدية، وليس إلى المحكمة: {address}.",
        "appeal_what": ("اكتب القرار الذي تطعن فيه (تاريخ القرار {date}، رقم الملف {reference})، والتغيير الذي "
                        "تريده وسببه. وقّع على الطعن واكتب اسمك."),
        "appeal_next": ("تنظر البلدية أولاً فيما إذا كانت ستغيّر القرار. وإذا لم تغيّره كما طلبت، ترسل طعنك إلى "
                        "المحكمة الإدارية (förvaltningsrätten) التي تنظر فيه."),
        "appeal_help": "يمكن للموظف المسؤول عن ملفك أن يساعدك في تقديم الطعن.",
        "appeal_law": ("يجوز الطعن في القرار وفقاً لـ {provision}. وتحدد المواد 43–46 من قانون الإجراءات الإدارية "
                       "رقم 2017:900 مهلة الطعن وطريقة تقديمه."),
        "support_heading": "الدعم إذا كنت تتعرض للعنف",
        "support": ("إذا كنت أنت أو أحد أفراد أسرتك تتعرضون للعنف أو التهديد أو العنف الاقتصادي، كأن يأخذ أحد "
                    "أموالك أو يتحكم فيها، يمكنك الحصول على الدعم. ويمكنك عدم الكشف عن هويتك."),
        "emergency": "في حالات الخطر العاجل: اتصل بالرقم 112.",
        "contact_heading": "أسئلة حول القرار",
        "case_worker": "الموظف المسؤول عن ملفك: {name}، {unit}",
        "phone": "الهاتف: {phone}",
        "email": "البريد الإلكتروني: {email}",
        "decided_by": "اتخذ القرار",
        "outcomes": {"granted": "موافقة", "partly": "موافقة جزئية", "refused": "رفض"},
        "labels": {
            "riksnorm.adults.single": "التكاليف الشخصية، شخص بالغ يعيش بمفرده",
            "riksnorm.adults.cohabiting": "التكاليف الشخصية، زوجان أو شريكان يعيشان معاً",
            "riksnorm.household": "تكاليف المنزل المشتركة",
            "riksnorm": "التكاليف الشخصية، طفل أو شاب",
            "jobbstimulans": "حافز العمل: جزء من دخل العمل لا يُخصم",
            **{f"cost.{key}": value for key, value in {
                "housing": "تكلفة السكن", "electricity": "كهرباء المنزل", "home_insurance": "تأمين المنزل",
                "work_travel": "التنقل إلى العمل", "union_fees": "رسوم النقابة وصندوق البطالة",
                "childcare": "رسوم رعاية الأطفال", "medical": "الرعاية الطبية والأدوية", "dental": "علاج الأسنان",
                "other": "تكاليف أخرى"}.items()},
            **{f"income.{key}": value for key, value in {
                "salary": "الراتب", "unemployment_benefit": "تعويض البطالة", "activity_support": "دعم النشاط",
                "establishment_allowance": "تعويض التأسيس", "sickness_benefit": "تعويض المرض",
                "activity_compensation": "تعويض المرض أو النشاط", "parental_benefit": "تعويض الوالدين",
                "child_allowance": "إعانة الأطفال", "housing_allowance": "إعانة السكن",
                "maintenance_support": "دعم النفقة", "pension": "المعاش التقاعدي", "student_aid": "الدعم الدراسي",
                "tax_refund": "استرداد الضريبة", "other": "دخل آخر"}.items()},
        },
    },
}

# Every cost and income type of the calculation has a translated label (a test checks it).
TRANSLATED_RULES = tuple(f"cost.{key}" for key in COST_TYPES) + tuple(f"income.{key}" for key in INCOME_TYPES)


def label_for(language: str, rule: str, swedish: str) -> str:
    """The translated name of a calculation line, by its rule (``cost.housing``,
    ``cost.housing.capped``, ``riksnorm.personal.4-6`` …); the Swedish label when the
    rule is not known."""
    labels = TEXTS[language]["labels"]
    parts = (rule or "").split(".")
    for end in range(len(parts), 0, -1):
        found = labels.get(".".join(parts[:end]))
        if found:
            return found
    return swedish


def month_name(language: str, month) -> str:
    return f"{MONTHS[language][month.month - 1]} {month.year}"
