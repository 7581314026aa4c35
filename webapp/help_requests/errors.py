"""The domain error of requests, with stable string codes (listed in each service)."""


class HelpRequestError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
