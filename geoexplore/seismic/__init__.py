"""Active-source seismic: reading and writing (SEG-Y, SU, SEG-2), reflection processing, refraction picking and tomography."""
