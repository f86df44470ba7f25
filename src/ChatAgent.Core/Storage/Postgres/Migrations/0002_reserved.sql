-- Number 2 holds no change.
SELECT 1;
