"""Parameters of the chapter 'streamdq' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = ()
