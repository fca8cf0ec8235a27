# Worked solutions for notebooks/01_f_divergences.py: each block replaces the blank of the same name
# (`python tools/notebooks.py solved` fills them in).

### BEGIN EXERCISE kl_by_hand
my_kl = (p * torch.log(p / q)).sum()          # sum_x q f(p/q) with f(u) = u log u
### END EXERCISE

### BEGIN EXERCISE conjugate_on_a_grid
sup_on_grid = (u * t - hellinger.f(u)).max()  # the supremum over the grid; reached at u* = (1 - t)^-2 = 4
### END EXERCISE

### BEGIN EXERCISE optimal_critic
T_star = kl.f_prime(p / q)                    # = 1 + log(p/q)
### END EXERCISE

### BEGIN EXERCISE bound_at_optimum
bound_at_T_star = (p * T_star).sum() - (q * kl.f_star(T_star)).sum()   # the second sum is sum_x q (p/q) = 1
### END EXERCISE

### BEGIN EXERCISE bound_variance_kl
T, F = 1 + torch.log(p / q), p / q            # T* and f*(T*) for KL
var_kl = (p * (T - (p * T).sum()) ** 2).sum() + (q * (F - (q * F).sum()) ** 2).sum()
### END EXERCISE
