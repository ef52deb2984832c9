"""The complaint register: complaints as the policy asks them recorded, their compensation and
its approval, the lists that drive the day, who may see customers' details, and the report."""
