/* image.S - the test guest's ELF, built first, carried inside the virq binary */
	.section .rodata.virq_guest, "a"
	.balign 16
	.globl virq_guest_image, virq_guest_image_end
virq_guest_image:
	.incbin GUEST_ELF
virq_guest_image_end:
	.section .note.GNU-stack, "", @progbits
