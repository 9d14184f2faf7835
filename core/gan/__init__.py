"""The GAN lab's science: data sets, models, objectives and the trainer. No terminal UI code here."""
