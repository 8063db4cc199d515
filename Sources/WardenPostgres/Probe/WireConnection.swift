import WardenCore
