/*
 * Kernel cost per frame of the raw send variants the TX-ring fast path chose between
 * (docs/architecture.md, "Send paths: measured"): one UDP/IPv4 frame of LEN bytes sent N times out of
 * IFNAME, BATCH frames per kick or per sendmmsg call. CPU is this process's (user + system, which on a
 * veth includes the peer's receive work in softirq).
 *
 *   afpacket_send_bench IFNAME VARIANT N [LEN [BATCH [UDP_DESTINATION]]]
 *
 * VARIANT: ring (PACKET_TX_RING, zero-copy page fragments), ring-vnet (PACKET_VNET_HDR with hdr_len =
 * frame: copied into linear skb data), ring-vnet-proto / ring-proto (the kick names ETH_P_IP in
 * sockaddr_ll), …-nobypass (without PACKET_QDISC_BYPASS), mmsg / mmsg-vnet / mmsg-proto (sendmmsg on the
 * same AF_PACKET socket, packet_snd), udp (sendmmsg on a UDP socket to UDP_DESTINATION:4789, the kernel's
 * socket path). The frames go to MAC 02:00:00:00:00:01: give the interface a sink as `fastpath` does.
 * Build: cc -O2 -o afpacket_send_bench afpacket_send_bench.c
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <poll.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double cpu(){struct rusage r;getrusage(RUSAGE_SELF,&r);return r.ru_utime.tv_sec+r.ru_utime.tv_usec*1e-6+r.ru_stime.tv_sec+r.ru_stime.tv_usec*1e-6;}
static unsigned char frame[9100];
static int flen;
static void build(int len, unsigned char *dmac, unsigned char *smac){
  memset(frame,0,sizeof frame); memcpy(frame,dmac,6); memcpy(frame+6,smac,6); frame[12]=8; frame[13]=0;
  unsigned char *ip=frame+14; ip[0]=0x45; int tot=len-14; ip[2]=tot>>8; ip[3]=tot; ip[6]=0x40; ip[8]=64; ip[9]=17;
  ip[12]=198;ip[13]=18;ip[14]=0;ip[15]=1; ip[16]=198;ip[17]=18;ip[18]=0;ip[19]=2;
  unsigned sum=0; for(int i=0;i<20;i+=2) sum+=(ip[i]<<8)|ip[i+1]; while(sum>>16) sum=(sum&0xffff)+(sum>>16); sum=~sum&0xffff; ip[10]=sum>>8; ip[11]=sum;
  unsigned char *u=ip+20; u[0]=0x30;u[1]=0x39;u[2]=0x12;u[3]=0xb5; int ul=tot-20; u[4]=ul>>8;u[5]=ul;
  flen=len;
}
int main(int argc,char**argv){
  const char*ifn=argv[1]; const char*v=argv[2]; long n=atol(argv[3]); int len=argc>4?atoi(argv[4]):550; int batch=argc>5?atoi(argv[5]):64;
  int ifx=if_nametoindex(ifn);
  unsigned char dmac[6]={2,0,0,0,0,1}, smac[6]={2,0,0,0,0,2};
  build(len,dmac,smac);
  int vnet = strstr(v,"vnet")!=0, proto = strstr(v,"proto")!=0, nobypass=strstr(v,"nobypass")!=0;
  int fd=socket(AF_PACKET,SOCK_RAW,0); if(fd<0){perror("socket");return 1;}
  int one=1;
  if(!nobypass) if(setsockopt(fd,SOL_PACKET,PACKET_QDISC_BYPASS,&one,4)) perror("bypass");
  int sb=64<<20; setsockopt(fd,SOL_SOCKET,SO_SNDBUFFORCE,&sb,4);
  if(vnet && setsockopt(fd,SOL_PACKET,PACKET_VNET_HDR,&one,4)) {perror("vnet");return 1;}
  struct sockaddr_ll sll={0}; sll.sll_family=AF_PACKET; sll.sll_ifindex=ifx; sll.sll_protocol=proto?htons(ETH_P_IP):0;
  struct sockaddr_ll bindaddr={0}; bindaddr.sll_family=AF_PACKET; bindaddr.sll_ifindex=ifx;
  double c0=0,t0=0; long sent=0;
  if(!strncmp(v,"ring",4)){
    int ver=TPACKET_V2; setsockopt(fd,SOL_PACKET,PACKET_VERSION,&ver,4); setsockopt(fd,SOL_PACKET,PACKET_LOSS,&one,4);
    int fs=2048; while(fs<flen+42) fs*=2; /* slot: 32-byte header, 10-byte virtio header, frame */
    int fc=(4<<20)/fs; struct tpacket_req req={65536, fc*fs/65536, fs, fc};
    if(setsockopt(fd,SOL_PACKET,PACKET_TX_RING,&req,sizeof req)){perror("txring");return 1;}
    unsigned char*map=mmap(0,(size_t)fs*fc,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);
    if(bind(fd,(void*)&bindaddr,sizeof bindaddr)){perror("bind");return 1;}
    int head=0;
    c0=cpu();t0=now();
    while(sent<n){
      int k=0;
      for(;k<batch&&sent+k<n;k++){
        struct tpacket2_hdr*h=(void*)(map+(size_t)head*fs);
        while(__atomic_load_n(&h->tp_status,__ATOMIC_ACQUIRE)!=TP_STATUS_AVAILABLE){ send(fd,0,0,MSG_DONTWAIT); struct pollfd p={fd,POLLOUT,0}; poll(&p,1,10);}
        unsigned char*d=(unsigned char*)h+32; int off=0;
        if(vnet){ struct virtio_net_hdr*vh=(void*)d; memset(vh,0,sizeof *vh); vh->hdr_len=flen; off=sizeof *vh; }
        memcpy(d+off,frame,flen); h->tp_len=flen+off;
        __atomic_store_n(&h->tp_status,TP_STATUS_SEND_REQUEST,__ATOMIC_RELEASE);
        head=(head+1)%fc;
      }
      int r= proto? sendto(fd,0,0,MSG_DONTWAIT,(void*)&sll,sizeof sll) : send(fd,0,0,MSG_DONTWAIT);
      if(r<0&&errno!=EAGAIN&&errno!=ENOBUFS){perror("kick");return 1;}
      sent+=k;
    }
    // drain
    for(int i=0;i<fc;i++){struct tpacket2_hdr*h=(void*)(map+(size_t)i*fs); while(h->tp_status!=TP_STATUS_AVAILABLE){send(fd,0,0,MSG_DONTWAIT); struct pollfd p={fd,POLLOUT,0}; poll(&p,1,10);} }
  } else if(!strcmp(v,"mmsg")||!strncmp(v,"mmsg",4)){
    if(bind(fd,(void*)&bindaddr,sizeof bindaddr)){perror("bind");return 1;}
    struct mmsghdr m[256]; struct iovec io[256][2]; struct virtio_net_hdr vh={0}; vh.hdr_len=flen;
    for(int i=0;i<batch;i++){ memset(&m[i],0,sizeof m[i]); int c=0; if(vnet){io[i][c].iov_base=&vh;io[i][c].iov_len=sizeof vh;c++;} io[i][c].iov_base=frame; io[i][c].iov_len=flen;c++; m[i].msg_hdr.msg_iov=io[i]; m[i].msg_hdr.msg_iovlen=c; if(proto){m[i].msg_hdr.msg_name=&sll;m[i].msg_hdr.msg_namelen=sizeof sll;} }
    c0=cpu();t0=now();
    while(sent<n){ int k=batch; if(n-sent<k)k=n-sent; int r=sendmmsg(fd,m,k,0); if(r<0){ if(errno==ENOBUFS||errno==EAGAIN) continue; perror("sendmmsg");return 1;} sent+=r; }
  } else if(!strcmp(v,"udp")){ /* the kernel socket path, for comparison */
    int u=socket(AF_INET,SOCK_DGRAM,0); struct sockaddr_in d={0}; d.sin_family=AF_INET; d.sin_port=htons(4789); inet_pton(AF_INET,"198.18.0.2",&d.sin_addr);
    if(argc>6) inet_pton(AF_INET,argv[6],&d.sin_addr);
    struct mmsghdr m[256]; struct iovec io[256];
    for(int i=0;i<batch;i++){ memset(&m[i],0,sizeof m[i]); io[i].iov_base=frame+42; io[i].iov_len=flen-42; m[i].msg_hdr.msg_iov=&io[i]; m[i].msg_hdr.msg_iovlen=1; m[i].msg_hdr.msg_name=&d; m[i].msg_hdr.msg_namelen=sizeof d;}
    c0=cpu();t0=now();
    while(sent<n){ int k=batch; if(n-sent<k)k=n-sent; int r=sendmmsg(u,m,k,0); if(r<0){ if(errno==ENOBUFS||errno==EAGAIN) continue; perror("sendmmsg udp");return 1;} sent+=r; }
  } else { fprintf(stderr,"unknown variant %s\n",v); return 2; }
  double c=cpu()-c0,t=now()-t0;
  printf("%-16s len %4d batch %3d: %8.0f pkt/s  cpu %.3f s/M  (%.0f ns/pkt)\n",v,flen,batch,sent/t,c/sent*1e6,c/sent*1e9);
  return 0;
}
