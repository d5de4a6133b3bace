"""Parameters of the chapter 'hbm_competition' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = ()
