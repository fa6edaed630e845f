"""The year's score of both indicators and the section head's signature of it (domain).

Above inspection/ and security/ (it combines their indicators), below reports/ and ui/.
"""
