"""Business action handlers (BT01–BT14), one module per business, registered with `orders.actions.register`.

Import each module here; `orders.actions` imports this package the first time
a handler is looked up. Until a code has a handler its orders are "record only".
"""
