"""Test support: personas, factories and pytest fixtures shared by the tests of every app.

It lives outside the `servicehall` package on purpose: only tests, the root `conftest.py` and
`bench/` import it; production code never does (and `lint-imports` only checks `servicehall`).

Modules (each imports only the ones listed before it):

- `world`: staff personas of hall A and hall B (`build_world`, `HallWorld`), user, company, hall
  and counter factories, `make_member`, `make_counter`.
- `cashdesk`: `counts_for` and `open_drawer`, so cash payments have a drawer to go to.
- `customers`: customer, ID document and service factories, valid but fictitious numbers.
- `browser`: pytest fixtures for browser tests (`asgi_server`, `browser`, `page`, ...), registered
  for the whole suite through `pytest_plugins` in the root `conftest.py`.
"""
