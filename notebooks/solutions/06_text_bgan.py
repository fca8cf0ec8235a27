# Worked solutions for notebooks/06_text_bgan.py: each block replaces the blank of the same name.

### BEGIN EXERCISE distinct_2
# the cat: th he "e " " c" ca at · the hat: th he "e " " h" ha at · "a cat. ": "a " " c" ca at "t." ". "
# distinct: th he "e " " c" ca at " h" ha "a " "t." ". " = 11 of 3 × 6 = 18 pairs
d2 = 11 / 18
### END EXERCISE

### BEGIN EXERCISE bgan_loss_one_z
w_tilde = torch.softmax(log_w, 0)                  # (M,): self-normalised over this z's samples
loss_z = -(w_tilde * log_g).sum()
### END EXERCISE

### BEGIN EXERCISE temper
log_p_half = torch.log_softmax(log_p / 0.5, -1)    # -inf stays -inf; the log-sum-exp normalises in log space
### END EXERCISE
