print("lvm-lessons: skeleton")
