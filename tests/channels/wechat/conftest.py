import pytest
from wechat_harness import PushApi, serve


@pytest.fixture(scope="module")
def push_server():
    """A loopback push API (access tokens + customer-service / app messages) on a real socket."""
    api = PushApi()
    with serve(api.app) as (url, _loop):
        yield api, url


@pytest.fixture
def push_api(push_server):
    api, url = push_server
    api.sent.clear()
    api.token_requests.clear()
    api.fail_next.clear()
    api.fail_rate = 0.0
    api.attempts = 0
    api.expires_in = 7200
    return api, url
