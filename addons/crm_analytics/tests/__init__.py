from . import test_lib_clv
