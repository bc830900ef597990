# Django's zh_Hans formats put "%Y/%m/%d" first, and a date widget renders with the first
# input format. Browsers' <input type="date"> accept only ISO dates, so ISO comes first here
# (livelihood/widgets.py also sets it on every widget). The other formats are still accepted
# when parsing. Display formats (DATE_FORMAT, "2026年12月31日") are unchanged.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%m月%d日",  # '2016年9月5日'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2016-09-05 14:30'
    "%Y-%m-%dT%H:%M",  # '2016-09-05T14:30' (datetime-local)
    "%Y/%m/%d %H:%M",  # '2016/09/05 14:30'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 14:30:59'
    "%Y/%m/%d %H:%M:%S.%f",  # '2016/09/05 14:30:59.000200'
    "%Y年%m月%d日 %H:%M",  # '2016年9月5日 14:30'
    "%Y年%m月%d日 %H:%M:%S",  # '2016年9月5日 14:30:59'
]
